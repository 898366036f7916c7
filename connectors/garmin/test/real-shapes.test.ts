import { describe, expect, it } from "vitest";
import { createRecordMapper, readPush, recordsOf, type MappedRecord } from "@tributary/core/authoring";
import { garmin, NOOR } from "./garmin.ts";

const definition = garmin();
const webhook = definition.spec.webhook!;
const mapper = createRecordMapper(definition, { userId: "terra-noor", providerUserId: NOOR });

/** A push-mode body as Garmin posts it: every notification that carries records, mapped the way the ingress maps it. */
async function pushed(body: unknown): Promise<MappedRecord[]> {
  const out: MappedRecord[] = [];
  for (const notification of readPush(webhook, body)) {
    const action = notification.action;
    if (action?.action !== "records") continue;
    const dataType = String(action.dataType);
    for (const record of recordsOf(action, notification.document)) out.push(...(await mapper.map(action.mapping ?? dataType, dataType, record)));
  }
  return out;
}

const records = (mapped: MappedRecord[]): any[] => {
  expect(mapped.filter((m) => m.kind !== "record")).toEqual([]);
  return mapped.map((m) => (m as Extract<MappedRecord, { kind: "record" }>).record);
};

/**
 * Push bodies shaped like those Garmin sends and integrations of the Health API keep in their tests (values,
 * ids and users are ours): fields Garmin leaves out or sends as null, several users in one body, values our
 * own fixtures never had. Each record must be delivered, with the values worked out by hand.
 */
describe("GARMIN real push shapes", () => {
  it("a daily summary whose calories or stress levels are null keeps the day: the sum and the levels are left out, not the record", async () => {
    // Shape seen in an open-source Health API webhook handler's tests: a partial day (77040 s) of two users, nulls where the watch measured nothing.
    const [first, second] = records(
      await pushed({
        dailies: [
          {
            userId: NOOR,
            summaryId: "x2f0c1a-69651b70-12cf0",
            calendarDate: "2026-01-13",
            activityType: "GENERIC",
            activeKilocalories: null,
            bmrKilocalories: 1790,
            steps: 6120,
            distanceInMeters: 4870.5,
            durationInSeconds: 77040,
            activeTimeInSeconds: 3904,
            startTimeInSeconds: 1768258800,
            startTimeOffsetInSeconds: 3600,
            averageStressLevel: null,
            maxStressLevel: null,
          },
          {
            userId: "5b0e2f9d1c3a4e7f8a6b2c4d9e1f3a5b",
            summaryId: "x9a41bd-69651b70-15180",
            calendarDate: "2026-01-13",
            bmrKilocalories: null,
            activeKilocalories: 402,
            durationInSeconds: 86400,
            startTimeInSeconds: 1768280400,
            startTimeOffsetInSeconds: -18000,
            averageStressLevel: -1,
            maxStressLevel: 61,
          },
        ],
      }),
    );
    // 1768258800 = 2026-01-12T23:00:00Z, midnight at +01:00; 77040 s later 21:24
    expect(first.metadata).toMatchObject({ start_time: "2026-01-13T00:00:00.000000+01:00", end_time: "2026-01-13T21:24:00.000000+01:00" });
    expect(first.calories_data).toEqual({ BMR_calories: 1790 });
    expect(first.stress_data).toBeUndefined();
    expect(first.distance_data).toEqual({ steps: 6120, distance_meters: 4870.5 });
    // 1768280400 = 2026-01-13T05:00:00Z, midnight at -05:00; -1 is Garmin's "not measured"
    expect(second.metadata.start_time).toBe("2026-01-13T00:00:00.000000-05:00");
    expect(second.calories_data).toEqual({ net_activity_calories: 402 });
    expect(second.stress_data).toEqual({ max_stress_level: 61 });
  });
  it("a night without stage durations says nothing about time asleep (not 0 s), and a null stage is left out of the sum", async () => {
    // Shape seen in an open-source Health API webhook handler's tests: an auto-detected night with only its span and validation.
    const [bare, partial] = records(
      await pushed({
        sleeps: [
          {
            userId: NOOR,
            summaryId: "x2f0c1a-6965a4d0-6c20",
            calendarDate: "2026-01-13",
            startTimeInSeconds: 1768294800,
            durationInSeconds: 27680,
            startTimeOffsetInSeconds: 3600,
            validation: "AUTO_TENTATIVE",
          },
          {
            userId: NOOR,
            summaryId: "x2f0c1a-6966f650-6270",
            calendarDate: "2026-01-14",
            startTimeInSeconds: 1768381200,
            durationInSeconds: 25200,
            startTimeOffsetInSeconds: 3600,
            deepSleepDurationInSeconds: 4980,
            lightSleepDurationInSeconds: 15300,
            remSleepInSeconds: null,
            awakeDurationInSeconds: 420,
            validation: "ENHANCED_TENTATIVE",
          },
        ],
      }),
    );
    // 1768294800 = 2026-01-13T09:00:00Z, 10:00 at +01:00 (Garmin's span, whatever it is); 27680 s later 17:41:20
    expect(bare.metadata).toMatchObject({ start_time: "2026-01-13T10:00:00.000000+01:00", end_time: "2026-01-13T17:41:20.000000+01:00", upload_type: 3 });
    expect(bare.sleep_durations_data.asleep).toBeUndefined();
    expect(bare.sleep_durations_data.other).toEqual({ duration_in_bed_seconds: 27680 });
    expect(partial.sleep_durations_data.asleep).toEqual({
      duration_asleep_state_seconds: 4980 + 15300,
      duration_deep_sleep_state_seconds: 4980,
      duration_light_sleep_state_seconds: 15300,
    });
  });
  it("activity types Garmin names beyond the common ones (a street run, indoor cardio, HIIT, a plain swim) get their Terra type, not Other", async () => {
    // Type keys as an open-source Garmin Connect integration lists them; the activityDetails shape as a Health API webhook handler's tests post it.
    const detail = (activityId: number, activityType: string) => ({
      userId: NOOR,
      summaryId: `${activityId}-detail`,
      activityId,
      summary: {
        activityId,
        activityName: activityType,
        activityType,
        startTimeInSeconds: 1768300000,
        startTimeOffsetInSeconds: -21600,
        durationInSeconds: 1789,
      },
      samples: [],
    });
    const mapped = records(
      await pushed({
        activityDetails: [
          detail(5001968355, "STREET_RUNNING"),
          detail(5001968356, "INDOOR_CARDIO"),
          detail(5001968357, "HIIT"),
          detail(5001968358, "SWIMMING"),
        ],
      }),
    );
    expect(mapped.map((activity) => [activity.metadata.summary_id, activity.metadata.type])).toEqual([
      ["5001968355", 8],
      ["5001968356", 123],
      ["5001968357", 114],
      ["5001968358", 82],
    ]);
    // 1768300000 = 2026-01-13T10:26:40Z, 04:26:40 at -06:00
    expect(mapped[0].metadata).toMatchObject({ start_time: "2026-01-13T04:26:40.000000-06:00", end_time: "2026-01-13T04:56:29.000000-06:00" });
  });
  it("an activity without activityType and a night without validation are delivered with Terra's defaults (Other, upload type Unknown)", async () => {
    // Fields a Health API webhook handler's tests leave out of their posted summaries.
    const [run, night] = records(
      await pushed({
        activityDetails: [
          {
            userId: NOOR,
            summaryId: "5001968360-detail",
            activityId: 5001968360,
            summary: { startTimeInSeconds: 1768300000, startTimeOffsetInSeconds: 0, durationInSeconds: 600 },
          },
        ],
        sleeps: [
          {
            userId: NOOR,
            summaryId: "x2f0c1a-6966f650-2580",
            startTimeInSeconds: 1768381200,
            durationInSeconds: 9600,
            startTimeOffsetInSeconds: 0,
            validation: null,
          },
        ],
      }),
    );
    expect(run.metadata).toMatchObject({ summary_id: "5001968360", type: 108, start_time: "2026-01-13T10:26:40.000000+00:00" });
    expect(night.metadata).toMatchObject({
      summary_id: "x2f0c1a-6966f650-2580",
      upload_type: 0,
      start_time: "2026-01-14T09:00:00.000000+00:00",
      end_time: "2026-01-14T11:40:00.000000+00:00",
    });
  });
});
