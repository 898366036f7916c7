import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { manualClock, type SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, pullAndMap } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { AVA, MARCH, TOM, polar, polarFixtures } from "./polar.ts";

const now = () => Date.parse("2026-03-31T12:00:00Z");

/** AccessLink's transactional pull, as the mock serves it and the connector's polls read it. */
describe("POLAR transactions", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;

  beforeAll(async () => {
    definition = polar();
    fixtures = await polarFixtures(definition);
  });

  /** A mock on a manual clock, the user connected and (unless told) registered with the client, and a session for them. */
  async function setUp(id: string, options: { register?: boolean } = {}) {
    const clock = manualClock(now());
    const mock = await startMockProvider(definition.spec, fixtures, { clock });
    const connection = await connectToMock(mock, userOf(id));
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
    const session = client.session({ credentials: connection.credentials, variables: { user_id: `terra-${id}`, provider_user_id: id } });
    if (options.register !== false) {
      const { connect } = (definition.spec.auth as { lifecycle: { connect: any[] } }).lifecycle;
      await session.send(connect[0]);
    }
    const poll = () => pullAndMap(definition, client, { window: MARCH, providerUserId: id, credentials: connection.credentials, now, transactions: true });
    const base = `${mock.urls().baseUrl}/v3/users/${id}/exercise-transactions`;
    /** A request with the user's token, another token, or (null) none. */
    const raw = (method: string, url: string, token: string | null = connection.credentials.accessToken ?? null) =>
      fetch(url, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    return { clock, mock, connection, session, client, poll, base, raw };
  }

  it("the mock: 201 with the transaction's id and URL, the same one while it is open, its items' URLs, each item with its parts, 200 on commit, then 204", async () => {
    const { raw, base, mock } = await setUp(AVA);
    const created = await raw("POST", base);
    expect(created.status).toBe(201);
    const body = (await created.json()) as { "transaction-id": number; "resource-uri": string };
    expect(body).toEqual({ "transaction-id": expect.any(Number), "resource-uri": `${base}/${body["transaction-id"]}` });
    // Asked again before it was committed or expired: the same transaction.
    expect(await (await raw("POST", base)).json()).toEqual(body);
    const list = (await (await raw("GET", body["resource-uri"])).json()) as { exercises: string[] };
    expect(list.exercises).toEqual([1937529874, 1937530011, 1937530377].map((id) => `${body["resource-uri"]}/exercises/${id}`));
    const item = (await (await raw("GET", list.exercises[0]!)).json()) as Record<string, unknown>;
    expect(item).toMatchObject({ id: 1937529874, "start-time": "2026-03-10T18:00:00", "start-time-utc-offset": 60, "heart-rate": { average: 142 } });
    const zones = (await (await raw("GET", `${list.exercises[0]}/heart-rate-zones`)).json()) as { zone: unknown[] };
    expect(zones.zone).toHaveLength(5);
    const samples = (await (await raw("GET", `${list.exercises[0]}/samples`)).json()) as { sample: string[] };
    expect(samples.sample).toEqual([0, 1, 2].map((i) => `${list.exercises[0]}/samples/${i}`));
    expect(await (await raw("GET", samples.sample[2]!)).json()).toMatchObject({ "sample-type": "2", "recording-rate": 60 });
    // The yoga session has no zones: a 404, as AccessLink answers.
    expect((await raw("GET", `${list.exercises[2]}/heart-rate-zones`)).status).toBe(404);
    expect((await raw("PUT", body["resource-uri"])).status).toBe(200);
    expect((await raw("POST", base)).status).toBe(204);
    expect(mock.transactions.map((t) => t.state)).toEqual(["committed"]);
  });

  it("the mock: no token is 401; an unknown transaction, another user's or a committed one's items are 404; an unregistered user gets 403", async () => {
    const ava = await setUp(AVA);
    const { "resource-uri": uri } = (await (await ava.raw("POST", ava.base)).json()) as { "resource-uri": string };
    const { exercises } = (await (await ava.raw("GET", uri)).json()) as { exercises: string[] };
    expect((await ava.raw("POST", ava.base, null)).status).toBe(401);
    expect((await ava.raw("GET", `${ava.base}/999999`)).status).toBe(404);
    expect((await ava.raw("PUT", `${ava.base}/999999`)).status).toBe(404);

    // Tom, of the same provider and not registered with the client: nothing of Ava's, and no transaction of his own.
    const tom = await connectToMock(ava.mock, userOf(TOM));
    const tomsBase = `${ava.mock.urls().baseUrl}/v3/users/${TOM}/exercise-transactions`;
    expect((await ava.raw("GET", exercises[0]!, tom.credentials.accessToken ?? null)).status).toBe(404);
    expect((await ava.raw("POST", tomsBase, tom.credentials.accessToken ?? null)).status).toBe(403);
    // Nor Ava's transactions with his token.
    expect((await ava.raw("POST", ava.base, tom.credentials.accessToken ?? null)).status).toBe(403);

    expect((await ava.raw("PUT", uri)).status).toBe(200);
    expect((await ava.raw("GET", exercises[0]!)).status).toBe(404);
  });

  it("the mock: a transaction not committed within 10 minutes expires (404), and its items come in the next one", async () => {
    const { raw, base, clock, mock } = await setUp(AVA);
    const first = (await (await raw("POST", base)).json()) as { "transaction-id": number; "resource-uri": string };
    clock.advance(601);
    expect((await raw("GET", first["resource-uri"])).status).toBe(404);
    const second = (await (await raw("POST", base)).json()) as { "transaction-id": number; "resource-uri": string };
    expect(second["transaction-id"]).not.toBe(first["transaction-id"]);
    expect(mock.transactions.map((t) => [t.state, t.items])).toEqual([
      ["expired", ["1937529874", "1937530011", "1937530377"]],
      ["open", ["1937529874", "1937530011", "1937530377"]],
    ]);
  });

  it("a poll maps each transaction's sessions like the list's (zones and samples from the parts) and the physical information, commits, and the next poll finds nothing", async () => {
    const { poll, mock, client, connection } = await setUp(AVA);
    const polled = await poll();
    expect(polled.failures()).toEqual([]);
    const listed = await pullAndMap(definition, client, {
      window: MARCH,
      providerUserId: AVA,
      credentials: connection.credentials,
      now,
      streams: ["exercises", "physical_info"],
    });
    const bySummary = (records: unknown[]) => records.map((record: any) => ({ ...record, metadata: { ...record.metadata, summary_id: "" } }));
    const of = (pull: typeof polled, streams: string[]) =>
      pull.records.filter((r) => streams.includes(r.stream)).flatMap((r) => r.mapped.flatMap((m) => (m.kind === "record" ? [m.record] : [])));
    // Same sessions, same Terra records: only the ids differ (the list's are hashed, a transaction's numeric).
    expect(bySummary(of(polled, ["exercise_transactions"]))).toEqual(bySummary(of(listed, ["exercises"])));
    expect(of(polled, ["exercise_transactions"]).map((record: any) => record.metadata.summary_id)).toEqual(["1937529874", "1937530011", "1937530377"]);
    expect(of(polled, ["physical_info_transactions"])).toEqual(of(listed, ["physical_info"]));
    expect(mock.transactions.map((t) => [t.stream, t.state])).toEqual([
      ["exercise_transactions", "committed"],
      ["physical_info_transactions", "committed"],
    ]);
    // Polls read no list: a transaction says what is new.
    expect(polled.records.map((r) => r.stream)).not.toContain("exercises");

    // Sleep and days are polled through their lists (they have no transaction stream); the rest: nothing new.
    const again = await poll();
    expect([...new Set(again.records.map((r) => r.stream))]).toEqual(["sleep", "activities"]);
    // Each poll opens transactions until one answers 204: the first poll two a stream (201, 204), the second one (204).
    const creates = mock.requests.filter((r) => r.method === "POST" && r.path.endsWith("-transactions"));
    expect(creates.map((r) => r.status)).toEqual([201, 204, 201, 204, 204, 204]);
  });

  it("a read that stops before its commit leaves the transaction to the next poll: the same sessions come again, and are committed then", async () => {
    const { poll, mock, client, connection } = await setUp(AVA);
    const executor = (await import("@tributary/core/streams")).createStreamExecutor({ spec: definition.spec });
    const session = client.session({ credentials: connection.credentials, variables: { provider_user_id: AVA } });
    const stream = definition.spec.streams!.activity!.find((s) => s.transaction)!;
    const seen: unknown[] = [];
    for await (const round of executor.readTransactions(stream, { session })) {
      for await (const record of round.records()) seen.push(record.id);
      break; // a crash between the fetch and the commit
    }
    expect(seen).toEqual([1937529874, 1937530011, 1937530377]);
    expect(mock.transactions.map((t) => t.state)).toEqual(["open"]);
    const polled = await poll();
    expect(polled.records.filter((r) => r.stream === "exercise_transactions").map((r) => r.provider.id)).toEqual(seen);
    expect(mock.transactions.filter((t) => t.stream === "exercise_transactions").map((t) => t.state)).toEqual(["committed"]);
  });
});
