import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, pullAndMap } from "@tributary/test-kit/connector";
import { ACTIVITY, JORDAN, MARCH, RECORDINGS_DIR, xert } from "./xert.ts";

/**
 * `recordings/` is Jordan's March as Xert answers it (shapes from Xert's API documentation and its
 * clients; Xert publishes no verbatim detail answer): two 30-day activity lists, each activity's detail
 * with session_data, training_info. What `tributary connector run XERT --recorded
 * connectors/xert/recordings --from 2026-03-01 --to 2026-04-01 --user jordan.rivers` replays.
 */
describe("XERT recordings", () => {
  it("replay Jordan's March with no network: five valid activities with the hand-computed values, and the athlete", async () => {
    const definition = xert();
    const recordings = await loadRecordings(RECORDINGS_DIR);
    expect(recordings.files).toHaveLength(8);
    const client = connectorClient(definition, { transport: recordedTransport(recordings) });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: JORDAN });
    expect(pull.failures()).toEqual([]);
    expect(pull.stats.activities).toMatchObject({ windows: 2, records: 5, detailRequests: 5 });
    const ride = pull.delivered().find((record: any) => record.metadata?.summary_id === ACTIVITY.gpsRide) as any;
    expect(ride.distance_data.summary.distance_meters).toBe(5400);
    expect(ride.calories_data.total_burned_calories).toBe(121);
    expect(ride.power_data.avg_watts).toBe(199.5);
    expect(ride.work_data.work_kilojoules).toBe(119.7);
    expect(ride.metadata.start_time).toBe("2026-03-02T06:10:00.000000+00:00");
    expect(ride.power_data.power_samples).toHaveLength(600);
    expect(pull.delivered()).toHaveLength(6);
  });

  it("hold no credentials and no secrets", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|refresh_token|password|authorization|xert_public/i);
  });
});
