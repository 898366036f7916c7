import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { MARCH, peloton, pelotonFixtures, RECORDINGS_DIR, RILEY, WORKOUT } from "./peloton.ts";

/**
 * `recordings/` is Riley's March 2026 as Peloton's member API answers it: /api/me, two pages of the
 * workout list in Peloton's envelope (limit, page, total, count, page_count, show_next, next, summary),
 * and the detail and performance graph of each finished workout. The ride, the tread walk and the row are
 * Peloton's own recorded answers (trimmed of images and video links, ids and members anonymised, moved to
 * March 2026). What `tributary connector run PELOTON --recorded connectors/peloton/recordings --from
 * 2026-03-01 --to 2026-04-01 --user 19b4722da494c08b0b0c130cd89ab344` replays, with no network.
 */
describe("PELOTON recordings", () => {
  it("replay Riley's March with no network: 13 valid activities and the athlete, the same the mock gives", async () => {
    const definition = peloton();
    const recordings = await loadRecordings(RECORDINGS_DIR);
    expect(recordings.files).toHaveLength(29);
    const client = connectorClient(definition, { transport: recordedTransport(recordings) });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: RILEY });
    expect(pull.stats.workouts).toMatchObject({ pages: 2, records: 13, filtered: 1, detailRequests: 26, detailFailures: 0 });
    expect(pull.failures()).toEqual([]);
    expect(pull.delivered()).toHaveLength(14);

    const ride = pull.delivered().find((record: any) => record.metadata?.summary_id === WORKOUT.cycling) as any;
    expect(ride.metadata.start_time).toBe("2026-03-03T12:46:42.000000-05:00");
    expect(ride.distance_data.summary.distance_meters).toBe(12826.5);
    expect(ride.calories_data.total_burned_calories).toBe(236);
    expect(ride.power_data.avg_watts).toBe(98);
    expect(ride.power_data.power_samples).toHaveLength(1799);

    const fixtures = await pelotonFixtures(definition);
    const fromMock = await pullFromMock(definition, {
      fixtures,
      user: fixtures.users.find((user) => user.id === RILEY)!,
      window: MARCH,
      mockOptions: { errors: "peloton" },
    });
    expect(pull.delivered()).toEqual(fromMock.delivered());
  });

  it("hold no credentials and no secrets", async () => {
    const recordings = await loadRecordings(RECORDINGS_DIR);
    const text = JSON.stringify(recordings.files);
    expect(text).not.toMatch(/access_token|refresh_token|mock-client-secret|authorization|password|session_id/i);
  });

  it("a window that was not recorded fails as a missing recording naming the request, never the network", async () => {
    const definition = peloton();
    const client = connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) });
    const april = { start: new Date("2026-04-01T00:00:00Z"), end: new Date("2026-04-08T00:00:00Z") };
    await expect(pullAndMap(definition, client, { window: april, providerUserId: RILEY, streams: ["workouts"] })).rejects.toMatchObject({
      code: ErrorCodes.RECORDING_MISSING,
      message: expect.stringContaining(`/api/user/${RILEY}/workouts`),
    });
  });
});
