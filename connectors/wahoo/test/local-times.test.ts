import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { decodeActivityFit, encodeActivityFit } from "@tributary/fit";
import { createRecordMapper, type MappedRecord } from "@tributary/core/authoring";
import { compileConnector } from "@tributary/core/connectors";
import { createLogger } from "@tributary/core/log";
import { terraTimestamp, type Activity } from "@tributary/schemas";
import { connectorClient, pullAndMap } from "@tributary/test-kit/connector";
import { CDN, SAM, wahoo, withCdn } from "./wahoo.ts";

const mapper = createRecordMapper(wahoo(), { userId: "terra-sam", providerUserId: SAM });
const FILE_PATH = "/wahoo-cloud/production/uploads/workout_file/file/882001/ride.fit";

/**
 * A ride's FIT file as a head unit writes it: one record a minute for `minutes` from `start` (heart rate
 * 120 + i, power 180 + i, speed, cadence, distance, altitude and position), its local time taken at
 * `offsetMinutes` when the ride began — the one offset a FIT file keeps, whatever the clocks did since.
 */
function rideFit(start: string, minutes: number, offsetMinutes: number): Uint8Array {
  const at = (i: number) => terraTimestamp(Date.parse(start) + i * 60_000, offsetMinutes);
  const each = Array.from({ length: minutes + 1 }, (_, i) => i);
  return encodeActivityFit({
    metadata: { summary_id: "776001", start_time: at(0), end_time: at(minutes), type: 16, upload_type: 1, timestamp_localization: 1 },
    heart_rate_data: { detailed: { hr_samples: each.map((i) => ({ timestamp: at(i), bpm: 120 + i })) } },
    power_data: { power_samples: each.map((i) => ({ timestamp: at(i), watts: 180 + i })) },
    movement_data: {
      speed_samples: each.map((i) => ({ timestamp: at(i), speed_meters_per_second: 8 })),
      cadence_samples: each.map((i) => ({ timestamp: at(i), cadence_rpm: 88 })),
    },
    position_data: { position_samples: each.map((i) => ({ timestamp: at(i), coords_lat_lng_deg: [60.17 + i / 1000, 24.94] })) },
    distance_data: {
      detailed: {
        distance_samples: each.map((i) => ({ timestamp: at(i), distance_meters: i * 480 })),
        elevation_samples: each.map((i) => ({ timestamp: at(i), elev_meters: 20 + i })),
      },
    },
  } as Activity);
}

/** A workout as GET /v1/workouts/{id} answers it, the summary's `time_zone` left out when `zone` is undefined; `fit` is its file, decoded, as the stream's detail attaches it. */
function workout(starts: string, minutes: number, zone: string | null | undefined, fit?: Uint8Array) {
  return {
    id: 776001,
    starts,
    minutes,
    name: "Ride",
    workout_type_id: 15,
    workout_summary: {
      id: 882001,
      duration_total_accum: String(minutes * 60),
      ...(zone !== undefined ? { time_zone: zone } : {}),
      file: { url: `${CDN}${FILE_PATH}` },
    },
    ...(fit !== undefined ? { fit: decodeActivityFit(fit) } : {}),
  };
}

async function mapped(record: unknown): Promise<any> {
  const [outcome] = await mapper.map("activity", "activity", record);
  expect(outcome?.kind, JSON.stringify(outcome)).toBe("record");
  return (outcome as Extract<MappedRecord, { kind: "record" }>).record;
}

/** Every sample list's timestamps, in a fixed order. */
function sampleTimes(activity: any): string[] {
  const lists = [
    activity.heart_rate_data?.detailed?.hr_samples,
    activity.power_data?.power_samples,
    activity.movement_data?.speed_samples,
    activity.movement_data?.cadence_samples,
    activity.position_data?.position_samples,
    activity.distance_data?.detailed?.distance_samples,
    activity.distance_data?.detailed?.elevation_samples,
  ];
  for (const list of lists) expect(list?.length).toBeGreaterThan(0);
  return lists.flatMap((list: Array<{ timestamp: string }>) => list.map((sample) => sample.timestamp));
}

const offsetOf = (timestamp: string) => timestamp.slice(-6);

/** The mapped activity shows the same instants as the workout (UTC) and its decoded file; everything but the timestamps is the file's as decoded. */
function expectSameInstants(activity: any, record: ReturnType<typeof workout>) {
  const decoded = sampleTimes(record.fit);
  const shown = sampleTimes(activity);
  expect(shown.map(Date.parse)).toEqual(decoded.map(Date.parse));
  expect(Date.parse(activity.metadata.start_time)).toBe(Date.parse(record.starts));
  expect(Date.parse(activity.metadata.end_time)).toBe(Date.parse(record.starts) + record.minutes * 60_000);
  const withoutTimes = (value: any) => JSON.parse(JSON.stringify(value, (key, v) => (key === "timestamp" ? undefined : v)));
  expect(withoutTimes(activity.heart_rate_data.detailed)).toEqual(withoutTimes(record.fit!.heart_rate_data!.detailed));
  expect(withoutTimes(activity.position_data.position_samples)).toEqual(withoutTimes(record.fit!.position_data!.position_samples));
}

describe("WAHOO local times (the summary's time_zone)", () => {
  it("a Helsinki ride is written in Helsinki time: +02:00 in winter, +03:00 in summer, samples too, the instants Wahoo's", async () => {
    // Hand-checked: 2026-03-21 08:00 UTC is 10:00 EET (+02:00); 2026-06-20 05:00 UTC is 08:00 EEST (+03:00).
    // The FIT files' records are written in UTC (offset 0).
    const rides = [
      { starts: "2026-03-21T08:00:00.000Z", minutes: 120, start: "2026-03-21T10:00:00.000000+02:00", end: "2026-03-21T12:00:00.000000+02:00" },
      { starts: "2026-06-20T05:00:00.000Z", minutes: 60, start: "2026-06-20T08:00:00.000000+03:00", end: "2026-06-20T09:00:00.000000+03:00" },
    ];
    const mappedRides: any[] = [];
    for (const ride of rides) {
      const record = workout(ride.starts, ride.minutes, "Europe/Helsinki", rideFit(ride.starts, ride.minutes, 0));
      const activity = await mapped(record);
      expect(activity.metadata).toMatchObject({ start_time: ride.start, end_time: ride.end, timestamp_localization: 1 });
      expect(new Set(sampleTimes(activity).map(offsetOf))).toEqual(new Set([ride.start.slice(-6)]));
      expectSameInstants(activity, record);
      mappedRides.push(activity);
    }
    const [march, june] = mappedRides;
    expect(march.heart_rate_data.detailed.hr_samples[0]).toEqual({ timestamp: "2026-03-21T10:00:00.000000+02:00", bpm: 120, timer_duration_seconds: 0 });
    expect(march.power_data.power_samples[120]).toEqual({ timestamp: "2026-03-21T12:00:00.000000+02:00", watts: 300, timer_duration_seconds: 7200 });
    expect(june.position_data.position_samples[30]).toMatchObject({ timestamp: "2026-06-20T08:30:00.000000+03:00" });
  });

  it("a ride across the change to summer time: +02:00 until 01:00 UTC, +03:00 from then, though the FIT file kept +02:00 throughout", async () => {
    // Helsinki's clocks go from 03:00 to 04:00 on 29 March 2026 (01:00 UTC). The ride: 00:30–01:30 UTC.
    const fit = rideFit("2026-03-29T00:30:00Z", 60, 120);
    const record = workout("2026-03-29T00:30:00.000Z", 60, "Europe/Helsinki", fit);
    expect(new Set(sampleTimes(record.fit).map(offsetOf))).toEqual(new Set(["+02:00"]));
    const activity = await mapped(record);
    expect(activity.metadata).toMatchObject({
      start_time: "2026-03-29T02:30:00.000000+02:00",
      end_time: "2026-03-29T04:30:00.000000+03:00",
      timestamp_localization: 1,
    });
    const hr = activity.heart_rate_data.detailed.hr_samples;
    expect(hr.slice(29, 31)).toEqual([
      { timestamp: "2026-03-29T02:59:00.000000+02:00", bpm: 149, timer_duration_seconds: 1740 },
      { timestamp: "2026-03-29T04:00:00.000000+03:00", bpm: 150, timer_duration_seconds: 1800 },
    ]);
    // Every list: the first 30 samples (00:30–00:59 UTC) at +02:00, the other 31 at +03:00.
    const offsets = sampleTimes(activity).map(offsetOf);
    expect(offsets).toEqual(Array.from({ length: 7 }, () => [...Array(30).fill("+02:00"), ...Array(31).fill("+03:00")]).flat());
    expectSameInstants(activity, record);
  });

  it("a summary without a zone (none, null, empty) keeps every time in UTC, timestamp_localization 0 — the file's +02:00 samples too", async () => {
    const fit = rideFit("2026-03-29T00:30:00Z", 60, 120);
    for (const zone of [undefined, null, ""]) {
      const record = workout("2026-03-29T00:30:00.000Z", 60, zone, fit);
      const activity = await mapped(record);
      expect(activity.metadata).toMatchObject({
        start_time: "2026-03-29T00:30:00.000000+00:00",
        end_time: "2026-03-29T01:30:00.000000+00:00",
        timestamp_localization: 0,
      });
      expect(activity.heart_rate_data.detailed.hr_samples[30]).toMatchObject({ timestamp: "2026-03-29T01:00:00.000000+00:00" });
      expect(new Set(sampleTimes(activity).map(offsetOf))).toEqual(new Set(["+00:00"]));
      expectSameInstants(activity, record);
    }
  });

  it("a zone this runtime does not know: the workout is delivered in UTC, and the runtime logs the zone once however many workouts name it", async () => {
    const record = workout("2026-03-29T00:30:00.000Z", 60, "Europe/Atlantis", rideFit("2026-03-29T00:30:00Z", 60, 120));
    const activity = await mapped(record);
    expect(activity.metadata).toMatchObject({ start_time: "2026-03-29T00:30:00.000000+00:00", timestamp_localization: 0 });
    expect(new Set(sampleTimes(activity).map(offsetOf))).toEqual(new Set(["+00:00"]));

    const lines: Array<{ level: number; msg: string }> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const connector = compileConnector(wahoo());
    const ctx = {
      connection: { userId: "terra-sam", provider: "WAHOO" },
      withSamples: true,
      log: createLogger({ level: "info", destination, format: "json" }),
    };
    const second = { ...record, id: 776002 };
    const normalized = await connector.normalize("activity", [record, second], ctx);
    const again = await connector.normalize("activity", [{ ...record, id: 776003 }], ctx);
    expect([...normalized.valid, ...again.valid].map((r: any) => [r.metadata.summary_id, r.metadata.timestamp_localization])).toEqual([
      ["776001", 0],
      ["776002", 0],
      ["776003", 0],
    ]);
    expect(normalized.rejected).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: expect.stringMatching(/^WAHOO mappings\.activity: let\.zone: "Europe\/Atlantis" is not a time zone known here/),
      }),
    ]);
  });

  it("the FIT path: a pulled workout's file, fetched from the CDN and decoded, has its samples in the member's zone across the change", async () => {
    const listed = workout("2026-03-29T00:30:00.000Z", 60, "Europe/Helsinki");
    const page = { workouts: [listed], total: 1, page: 1, per_page: 30, order: "descending", sort: "starts" };
    const api = async () => ({ status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(page)) });
    const files = new Map([[FILE_PATH, Buffer.from(rideFit("2026-03-29T00:30:00Z", 60, 120))]]);
    const definition = wahoo();
    const pull = await pullAndMap(definition, connectorClient(definition, { transport: withCdn(api, files) }), {
      window: { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") },
      providerUserId: SAM,
      now: () => Date.parse("2026-04-15T00:00:00Z"),
    });
    expect(pull.failures()).toEqual([]);
    expect(pull.stats.workouts).toMatchObject({ detailRequests: 1, detailFailures: 0 });
    const [activity] = pull.delivered() as any[];
    expect(activity.metadata).toMatchObject({
      start_time: "2026-03-29T02:30:00.000000+02:00",
      end_time: "2026-03-29T04:30:00.000000+03:00",
      timestamp_localization: 1,
    });
    expect(activity.power_data.power_samples.slice(29, 31)).toEqual([
      { timestamp: "2026-03-29T02:59:00.000000+02:00", watts: 209, timer_duration_seconds: 1740 },
      { timestamp: "2026-03-29T04:00:00.000000+03:00", watts: 210, timer_duration_seconds: 1800 },
    ]);
    expect(activity.movement_data.speed_samples.at(-1)).toMatchObject({ timestamp: "2026-03-29T04:30:00.000000+03:00" });
    expect(sampleTimes(activity).map(Date.parse)).toEqual(
      Array.from({ length: 7 }, () => Array.from({ length: 61 }, (_, i) => Date.parse("2026-03-29T00:30:00Z") + i * 60_000)).flat(),
    );
  });
});
