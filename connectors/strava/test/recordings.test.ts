import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, connectorRun, inStableOrder, pullAndMap, type PullResult } from "@tributary/test-kit/connector";
import { ACTIVITY, CONNECTOR_DIR, MARCH, MAYA, RECORDINGS_DIR, strava } from "./strava.ts";

/**
 * `recordings/` is Maya's March as Strava answers it (shapes from Strava's API reference: SummaryActivity
 * pages, DetailedActivity, streams with key_by_type, the rate-limit headers): what `tributary connector
 * run connectors/strava --recorded connectors/strava/recordings --from 2026-03-01 --to 2026-04-01 --user
 * 48213377` replays.
 */
describe("STRAVA recordings", () => {
  let pull: PullResult;

  it("replay Maya's March with no network: five valid activities with the hand-computed values, and the athlete", async () => {
    const definition = strava();
    const recordings = await loadRecordings(RECORDINGS_DIR);
    expect(recordings.files).toHaveLength(11);
    const client = connectorClient(definition, { transport: recordedTransport(recordings) });
    pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: MAYA });
    expect(pull.failures()).toEqual([]);
    expect(pull.stats.activities).toMatchObject({ windows: 1, pages: 1, records: 5, detailRequests: 9 });
    const ride = pull.delivered().find((record: any) => record.metadata?.summary_id === String(ACTIVITY.ride)) as any;
    expect(ride.metadata.start_time).toBe("2026-03-03T07:30:00.000000+01:00");
    expect(ride.calories_data.total_burned_calories).toBe(677.2);
    expect(ride.active_durations_data).toEqual({ activity_seconds: 3480, rest_seconds: 120 });
    expect(ride.power_data.power_samples).toHaveLength(720);
    expect(ride.distance_data.detailed.distance_samples[2].distance_meters).toBe(76.5);
    const evening = pull.delivered().find((record: any) => record.metadata?.summary_id === String(ACTIVITY.summerTimeRun)) as any;
    expect(evening.metadata.end_time).toBe("2026-03-30T18:30:00.000000+02:00");
    expect(pull.delivered().filter((record: any) => !record.metadata)).toMatchObject([{ provider_user_id: MAYA, sex: "female" }]);
    expect(pull.delivered()).toHaveLength(6);
  });

  it("`tributary connector run` over them prints exactly those records, each payload valid", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-03-01", to: "2026-04-01", user: MAYA });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("✓ STRAVA: 6 valid records");
    expect(inStableOrder(run.records)).toEqual(inStableOrder(pull.delivered()));
  }, 120_000);

  it("hold no credentials", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|refresh_token|authorization|client_secret/i);
  });
});
