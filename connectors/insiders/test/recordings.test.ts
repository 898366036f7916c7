import { describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import { ErrorCodes } from "@tributary/core/contracts";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, pullAndMap } from "@tributary/test-kit/connector";
import { ADA, fixtureActivities, insiders, insidersFixtures, MARCH, RECORDINGS_DIR, withSamples } from "./insiders.ts";

/**
 * `recordings/` is a session recorded (with the scrubbing recorder) against the mock: Ada's March, two
 * list pages and the samples of each activity that has them. What `tributary connector run INSIDERS
 * --recorded connectors/insiders/recordings --from 2026-03-01 --to 2026-04-01 --user usr_7Hq2Lm` replays,
 * with no network.
 */
describe("INSIDERS recordings", () => {
  it("replay Ada's March through the connector with no network: eleven valid activities, the same the mock gives", async () => {
    const definition = insiders();
    const recordings = await loadRecordings(RECORDINGS_DIR);
    expect(recordings.files).toHaveLength(12);
    const client = connectorClient(definition, { transport: recordedTransport(recordings) });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: ADA });
    expect(pull.stats.activities).toMatchObject({ pages: 2, records: 12, detailRequests: 10, detailFailures: 0 });
    expect(pull.failures()).toEqual([]);

    const fixtures = await insidersFixtures(definition);
    const mapper = createRecordMapper(definition, { userId: "test-user", providerUserId: ADA });
    const expected: unknown[] = [];
    for (const record of fixtureActivities(fixtures).filter((r) => r.user_id === ADA)) {
      for (const outcome of await mapper.map("activity", "activity", withSamples(fixtures, record)))
        if (outcome.kind === "record") expected.push(outcome.record);
    }
    expect(pull.delivered()).toEqual(expected);
  });

  it("hold no credentials and no secrets", async () => {
    const recordings = await loadRecordings(RECORDINGS_DIR);
    const text = JSON.stringify(recordings.files);
    expect(text).not.toMatch(/access_token|refresh_token|mock-client-secret|authorization/i);
  });

  it("a window that was not recorded fails as a missing recording naming the request, never the network", async () => {
    const definition = insiders();
    const client = connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) });
    const april = { start: new Date("2026-04-01T00:00:00Z"), end: new Date("2026-04-08T00:00:00Z") };
    await expect(pullAndMap(definition, client, { window: april, providerUserId: ADA })).rejects.toMatchObject({
      code: ErrorCodes.RECORDING_MISSING,
      message: expect.stringContaining("/partner/v1/users/usr_7Hq2Lm/activities"),
    });
  });
});
