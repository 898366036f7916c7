import { describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import { recordedTransport, type RecordingSet } from "@tributary/core/recordings";
import type { RecordedExchange } from "@tributary/schemas";
import { connectorClient, examplePushPulls, runPushPull } from "@tributary/test-kit/connector";
import { MAYA, strava } from "./strava.ts";

/**
 * Shapes Strava really answers that our fixtures (written from the API reference) do not have: each
 * record is rewritten in our own values after a shape seen in a public client's recorded answers.
 */
const definition = strava();
const mapOne = async (record: Record<string, unknown>) => {
  const outcomes = await createRecordMapper(definition, { userId: "terra-user", providerUserId: MAYA }).map("activity", "activity", record);
  expect(outcomes).toHaveLength(1);
  const [outcome] = outcomes;
  if (outcome!.kind !== "record") throw new Error(`not delivered: ${JSON.stringify(outcome)}`);
  return outcome!.record as any;
};

/** A set of recordings held in memory, for one exchange a test needs. */
const inline = (...exchanges: RecordedExchange[]): RecordingSet => ({
  dir: "inline",
  files: exchanges.map((exchange, i) => ({ file: `${i}.json`, exchange })),
});

describe("STRAVA real answer shapes", () => {
  it("a SummaryActivity without utc_offset (older uploads, seen in EddingtonAndMore's recorded list): local times from start_date_local, not UTC", async () => {
    const ride = await mapOne({
      id: 9100000001,
      resource_state: 2,
      athlete: { id: Number(MAYA), resource_state: 1 },
      name: "Evening Ride",
      distance: 18120.4,
      moving_time: 3700,
      elapsed_time: 4000,
      total_elevation_gain: 40.2,
      type: "Ride",
      workout_type: null,
      // Strava's "local" time carries a Z that means nothing: it is the wall clock, an hour ahead of start_date.
      start_date: "2014-06-20T17:05:00Z",
      start_date_local: "2014-06-20T18:05:00Z",
      timezone: "(GMT+00:00) Europe/London",
      start_latlng: [51.5, -0.12],
      end_latlng: [51.5, -0.12],
      map: { id: "a9100000001", resource_state: 2 },
      manual: false,
      average_speed: 4.897,
      max_speed: 9.1,
      // The detail (resource_state 3) of such an activity: no device, a null summary polyline, elev_low below sea level.
      detail: {
        id: 9100000001,
        resource_state: 3,
        calories: 498.5,
        elev_high: 38.1,
        elev_low: -2.4,
        device_name: null,
        map: { id: "a9100000001", polyline: "ab", summary_polyline: null },
      },
    });
    expect(ride.metadata.start_time).toBe("2014-06-20T18:05:00.000000+01:00");
    expect(ride.metadata.end_time).toBe("2014-06-20T19:11:40.000000+01:00");
    expect(ride.distance_data.summary.elevation).toEqual({ gain_actual_meters: 40.2, max_meters: 38.1, min_meters: -2.4 });
    expect(ride.polyline_map_data).toBeUndefined();
    expect(ride.device_data).toBeUndefined();
  });

  it("a DetailedActivity as dblock/strava-ruby-client recorded it: utc_offset as a float, no sport_type, streams with null watts — nulls leave their samples out", async () => {
    const run = await mapOne({
      id: 9100000002,
      resource_state: 3,
      athlete: { id: Number(MAYA), resource_state: 1 },
      name: "City Marathon",
      distance: 42195.3,
      moving_time: 12900,
      elapsed_time: 13100,
      total_elevation_gain: 260.5,
      type: "Run",
      workout_type: 1,
      start_date: "2019-11-03T14:50:00Z",
      start_date_local: "2019-11-03T09:50:00Z",
      timezone: "(GMT-05:00) America/New_York",
      utc_offset: -18000.0,
      start_latlng: [40.6, -74.06],
      end_latlng: [40.77, -73.98],
      map: { id: "a9100000002", polyline: "xy", summary_polyline: "xyz", resource_state: 3 },
      manual: false,
      average_speed: 3.27,
      max_speed: 5.4,
      has_heartrate: true,
      average_heartrate: 168.4,
      max_heartrate: 186.0,
      calories: 3650.0,
      streams: {
        time: { data: [0, 1, 2], series_type: "distance", original_size: 3, resolution: "high" },
        watts: { data: [null, 240, null], series_type: "distance", original_size: 3, resolution: "high" },
        heartrate: { data: [150, 151, 153], series_type: "distance", original_size: 3, resolution: "high" },
      },
    });
    expect(run.metadata).toMatchObject({ type: 8, start_time: "2019-11-03T09:50:00.000000-05:00", end_time: "2019-11-03T13:28:20.000000-05:00" });
    expect(run.calories_data.total_burned_calories).toBe(3650);
    expect(run.power_data.power_samples).toEqual([{ timestamp: "2019-11-03T09:50:01.000000-05:00", watts: 240 }]);
    expect(run.heart_rate_data.detailed.hr_samples).toHaveLength(3);
  });

  it("a push for an activity deleted before we fetched it: Strava's 404 leaves nothing to deliver, not a failed job", async () => {
    const [create] = examplePushPulls(definition);
    const notFound: RecordedExchange = {
      request: { method: "GET", path: "/api/v3/activities/17001000002" },
      // The body strava-ruby-client recorded for a 404 was empty; Strava also answers {"message":"Record Not Found",…}.
      response: { status: 404, body: { message: "Record Not Found", errors: [{ resource: "Activity", field: "id", code: "invalid" }] } },
    };
    const client = connectorClient(definition, { transport: recordedTransport(inline(notFound)) });
    const pulled = await runPushPull(definition, client, create!);
    expect(pulled.records).toEqual([]);
  });
});
