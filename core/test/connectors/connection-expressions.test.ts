import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileConnector } from "../../src/connectors/index.ts";
import type { HookConnection } from "../../src/contracts/connector.ts";
import { fetchNotifiedRecords, pushExecutorOf, type FetchAction } from "../../src/ingress/fetch-notified-records.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createProviderClient } from "../../src/provider-http/provider-client.ts";
import { createUndiciTransport } from "../../src/provider-http/undici-transport.ts";
import { loadConnectorFile } from "../../src/spec/load-connector.ts";
import { startMockProvider, type MockProvider } from "../provider-http/helpers.ts";

const definition = loadConnectorFile(new URL("./fixtures/connection-bound.yaml", import.meta.url));
const connector = compileConnector(definition);
const START = "2026-03-02T08:00:00Z";
const WORKOUTS = [
  { id: "w1", start: START },
  { id: "w2", start: START },
];

/**
 * `$connection` in a stream's `filter` and a detail's `when` (docs/connectors.md § expressions): the
 * connection the records are read for, on a pull and on an object a push names.
 */
describe("stream expressions reading $connection", () => {
  let provider: MockProvider;
  const transport = createUndiciTransport();
  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      app.get("/workouts", async () => ({ data: WORKOUTS }));
      app.get("/workouts/:id", async (request) => WORKOUTS.find((w) => w.id === (request.params as { id: string }).id));
      app.get("/workouts/:id/notes", async (request) => ({ notes: `notes of ${(request.params as { id: string }).id}` }));
    });
  });
  afterAll(async () => {
    await provider?.close();
    await transport.close();
  });

  const client = () => createProviderClient({ spec: definition.spec, settings: { baseUrl: provider.url }, transport });
  const connectionOf = (userId: string, providerUserId: string): HookConnection => ({ userId, provider: "BOUND", providerUserId, referenceId: null });
  const notesFetched = () => provider.requests.filter((request) => request.path.endsWith("/notes")).length;

  const pulled = async (connection: HookConnection) => {
    const names: unknown[] = [];
    for await (const slice of connector.read("activity", {
      connection,
      range: { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-03-03T00:00:00Z") },
      withSamples: true,
      signal: new AbortController().signal,
      log: silentLogger(),
      session: client().session({ userId: connection.userId }),
      now: () => Date.parse("2026-03-04T00:00:00Z"),
    })) {
      expect(slice.rejected).toEqual([]);
      names.push(...slice.valid.map((record) => (record.metadata as { name?: string }).name ?? null));
    }
    return names;
  };

  it("a read keeps what the filter keeps for the connection's provider user id, and fetches details its user's `when` allows", async () => {
    const before = notesFetched();
    expect(await pulled(connectionOf("terra-1", "p-7"))).toEqual(["notes of w1", "notes of w2"]);
    expect(notesFetched()).toBe(before + 2);
    expect(await pulled(connectionOf("terra-2", "p-7"))).toEqual([null, null]);
    expect(await pulled(connectionOf("terra-1", "p-8"))).toEqual([]);
    expect(notesFetched()).toBe(before + 2);
  });

  it("an object a push names is filtered and given its details for the connection it was pushed for", async () => {
    const action = definition.spec.webhook!.events["*"] as FetchAction;
    const fetch = (connection: HookConnection) =>
      fetchNotifiedRecords(
        definition,
        action,
        { owner: connection.providerUserId, workout_id: "w2" },
        { session: client().session({ userId: connection.userId }), executor: pushExecutorOf(definition), connection },
      );
    expect((await fetch(connectionOf("terra-1", "p-7"))).records).toEqual([{ id: "w2", start: START, notes: "notes of w2" }]);
    expect((await fetch(connectionOf("terra-2", "p-7"))).records).toEqual([{ id: "w2", start: START }]);
    expect((await fetch(connectionOf("terra-1", "p-8"))).records).toEqual([]);
  });
});
