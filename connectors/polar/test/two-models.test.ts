import { describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import { AVA, polar } from "./polar.ts";

/**
 * One training session as AccessLink answers it two ways: the exercises list, a push's fetch and an
 * on-demand request (snake_case, Polar's hashed id, samples and zones inline), and an exercise transaction
 * (hyphenated, Polar's numeric id; samples and zones fetched as the item's parts and attached under the
 * same names). Both map to one Terra Activity: same summary_id, same values.
 */
const listed = {
  id: "aQlC83",
  upload_time: "2026-03-10T17:22:24.000Z",
  polar_user: "https://www.polaraccesslink.com/v3/users/475220",
  device: "Polar Pacer Pro",
  device_id: "1111AAAA",
  start_time: "2026-03-10T18:00:00",
  start_time_utc_offset: 60,
  duration: "PT10M",
  calories: 131,
  distance: 2012.5,
  heart_rate: { average: 142, maximum: 161 },
  training_load: 24.5,
  sport: "RUNNING",
  has_route: false,
  detailed_sport_info: "RUNNING",
  heart_rate_zones: [
    { index: 0, "lower-limit": 96, "upper-limit": 115, "in-zone": "PT1M" },
    { index: 1, "lower-limit": 115, "upper-limit": 134, "in-zone": "PT2M30S" },
  ],
  samples: [
    { "recording-rate": 60, "sample-type": "0", data: "118,131,138" },
    { "recording-rate": 60, "sample-type": "1", data: "10.8,11.5,12.1" },
  ],
};

/** The same session in a transaction: `GET …/exercise-transactions/{tid}/exercises/{eid}`, with `/heart-rate-zones` (`zone`) and each of `/samples`' links attached. */
const transacted = {
  id: 1937529874,
  "upload-time": "2026-03-10T17:22:24.000Z",
  "polar-user": "https://www.polaraccesslink.com/v3/users/475220",
  "transaction-id": 179879,
  device: "Polar Pacer Pro",
  "device-id": "1111AAAA",
  "start-time": "2026-03-10T18:00:00",
  "start-time-utc-offset": 60,
  duration: "PT10M",
  calories: 131,
  distance: 2012.5,
  "heart-rate": { average: 142, maximum: 161 },
  "training-load": 24.5,
  sport: "RUNNING",
  "has-route": false,
  "detailed-sport-info": "RUNNING",
  "fat-percentage": 60,
  heart_rate_zones: listed.heart_rate_zones,
  samples: listed.samples,
};

async function mapOne(record: unknown, providerUserId?: string) {
  const mapper = createRecordMapper(polar(), { userId: "terra-ava", ...(providerUserId ? { providerUserId } : {}) });
  const [mapped] = await mapper.map("activity", "activity", record);
  if (mapped?.kind !== "record") expect.fail(JSON.stringify(mapped));
  return mapped;
}

describe("POLAR: a session in either model is one Activity", () => {
  it("the list's and the transaction's spelling map to the same record, its summary_id the member and the start instant in UTC", async () => {
    const fromList = await mapOne(listed, AVA);
    const fromTransaction = await mapOne(transacted, AVA);
    expect(fromTransaction.record).toEqual(fromList.record);
    expect(fromTransaction.key).toEqual(fromList.key);
    // 18:00 local at +60 minutes is 17:00 UTC.
    expect(fromList.record).toEqual({
      metadata: {
        summary_id: "475220-20260310T170000Z",
        type: 8,
        upload_type: 1,
        start_time: "2026-03-10T18:00:00.000000+01:00",
        end_time: "2026-03-10T18:10:00.000000+01:00",
        timestamp_localization: 1,
      },
      device_data: { name: "Polar Pacer Pro", manufacturer: "Polar" },
      active_durations_data: { activity_seconds: 600 },
      calories_data: { total_burned_calories: 131 },
      distance_data: { summary: { distance_meters: 2012.5 } },
      heart_rate_data: {
        summary: {
          avg_hr_bpm: 142,
          max_hr_bpm: 161,
          hr_zone_data: [
            { zone: 0, name: "Zone 1 (96–115 bpm)", duration_seconds: 60 },
            { zone: 1, name: "Zone 2 (115–134 bpm)", duration_seconds: 150 },
          ],
        },
        detailed: {
          hr_samples: [
            { timestamp: "2026-03-10T18:00:00.000000+01:00", bpm: 118 },
            { timestamp: "2026-03-10T18:01:00.000000+01:00", bpm: 131 },
            { timestamp: "2026-03-10T18:02:00.000000+01:00", bpm: 138 },
          ],
        },
      },
      // 10.8 km/h = 3 m/s; 11.5 km/h = 3.194 m/s; 12.1 km/h = 3.361 m/s
      movement_data: {
        speed_samples: [
          { timestamp: "2026-03-10T18:00:00.000000+01:00", speed_meters_per_second: 3 },
          { timestamp: "2026-03-10T18:01:00.000000+01:00", speed_meters_per_second: 3.194 },
          { timestamp: "2026-03-10T18:02:00.000000+01:00", speed_meters_per_second: 3.361 },
        ],
      },
      TSS_data: { TSS_samples: [{ actual: 24.5, method: "Polar Training Load" }] },
    });
  });

  it("without a connection (a spec example, a tool) the member comes from the session's own polar_user / polar-user link: the same id", async () => {
    expect((await mapOne(listed)).record.metadata).toMatchObject({ summary_id: "475220-20260310T170000Z" });
    expect((await mapOne(transacted)).record.metadata).toMatchObject({ summary_id: "475220-20260310T170000Z" });
  });

  it("west of UTC and across midnight: 23:30 local at −300 minutes is 04:30 UTC the next day; a fraction of a second is not part of the id", async () => {
    const late = { ...transacted, "start-time": "2026-03-11T23:30:00.250", "start-time-utc-offset": -300 };
    const mapped = await mapOne(late, "475301");
    expect(mapped.record.metadata).toMatchObject({ summary_id: "475301-20260312T043000Z", start_time: "2026-03-11T23:30:00.000000-05:00" });
  });

  it("the sport named in detail wins in either spelling: OTHER with WATERSPORTS_WATERSKI is water skiing (132), a name in neither table Other (108)", async () => {
    const ski = { sport: "OTHER" };
    expect((await mapOne({ ...listed, ...ski, detailed_sport_info: "WATERSPORTS_WATERSKI" }, AVA)).record.metadata).toMatchObject({ type: 132 });
    expect((await mapOne({ ...transacted, ...ski, "detailed-sport-info": "WATERSPORTS_WATERSKI" }, AVA)).record.metadata).toMatchObject({ type: 132 });
    expect((await mapOne({ ...transacted, ...ski, "detailed-sport-info": "NOT_A_POLAR_SPORT" }, AVA)).record.metadata).toMatchObject({ type: 108 });
  });

  it("a session with no start offset cannot be told apart from another: quarantined, naming summary_id", async () => {
    const { "start-time-utc-offset": _none, ...noOffset } = transacted;
    const mapper = createRecordMapper(polar(), { providerUserId: AVA });
    const [mapped] = await mapper.map("activity", "activity", noOffset);
    expect(mapped).toMatchObject({ kind: "failed" });
    expect(JSON.stringify(mapped)).toContain("summary_id");
  });
});
