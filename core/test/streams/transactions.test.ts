import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { StreamSpec } from "@tributary/schemas";
import { loadMockFixtures, manualClock, mockFromSpec, type MockProvider, type SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, pullAndMap } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { executorFor } from "./stream-helpers.ts";

const LEDGER_DIR = fileURLToPath(new URL("./ledger", import.meta.url));
const MEMBER = "member-1";
const OTHER = "member-2";
const WINDOW = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };
const now = () => Date.parse("2026-03-31T12:00:00Z");
const ITEMS = ["w1", "w2", "w3"];

/**
 * A stream's `transaction` (the connector SDK's transactional pull) against the spec mock: LEDGER, a
 * made-up provider in AccessLink's manner (ledger/connector.yaml), whose fixtures hold three workouts and
 * transactions of two.
 */
describe("stream transactions", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  let stream: StreamSpec;

  beforeAll(async () => {
    definition = loadConnectorFile(LEDGER_DIR);
    fixtures = await loadMockFixtures(`${LEDGER_DIR}/fixtures`, definition.spec);
    stream = definition.spec.streams!.activity!.find((s) => s.transaction)!;
  });

  /** A mock on a manual clock, its user connected and (unless told) registered with the client. */
  async function setUp(options: { register?: boolean; mock?: MockProvider } = {}) {
    const clock = manualClock(now());
    const mock = options.mock ?? (await startMockProvider(definition.spec, fixtures, { clock }));
    const user = fixtures.users.find((u) => String(u.id) === MEMBER)!;
    const connection = await connectToMock(mock, user);
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
    const session = client.session({ credentials: connection.credentials, variables: { user_id: `terra-${MEMBER}`, provider_user_id: MEMBER } });
    if (options.register !== false) {
      const { connect } = (definition.spec.auth as { lifecycle: { connect: Parameters<typeof session.send>[0][] } }).lifecycle;
      await session.send(connect[0]!);
    }
    const base = `${mock.urls().baseUrl}/users/${MEMBER}/transactions`;
    /** A request with the member's token, another token, or (null) none. */
    const raw = (method: string, url: string, token: string | null = user.token ?? null) =>
      fetch(url, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    const poll = () => pullAndMap(definition, client, { window: WINDOW, providerUserId: MEMBER, credentials: connection.credentials, now, transactions: true });
    const executor = executorFor(definition.spec);
    return { clock, mock, session, client, connection, base, raw, poll, executor };
  }

  describe("the spec mock", () => {
    it("201 with the id and the transaction's URL, the same one while it is open, its items' URLs, each with its parts, 200 on commit, then the rest, then 204", async () => {
      const { raw, base, mock } = await setUp();
      const created = await raw("POST", base);
      expect(created.status).toBe(201);
      const body = (await created.json()) as { "transaction-id": number; "resource-uri": string };
      expect(body).toEqual({ "transaction-id": expect.any(Number), "resource-uri": `${base}/${body["transaction-id"]}` });
      // Asked again before it was committed or expired: the same transaction.
      expect(await (await raw("POST", base)).json()).toEqual(body);
      // Two a transaction (the fixture's size).
      const list = (await (await raw("GET", body["resource-uri"])).json()) as { workouts: string[] };
      expect(list.workouts).toEqual(["w1", "w2"].map((id) => `${body["resource-uri"]}/workouts/${id}`));
      expect(await (await raw("GET", list.workouts[0]!)).json()).toMatchObject({ id: "w1", start: "2026-03-02T07:00:00Z" });
      expect(await (await raw("GET", `${list.workouts[0]}/laps`)).json()).toEqual({ laps: [{ meters: 1000 }, { meters: 1500 }] });
      const samples = (await (await raw("GET", `${list.workouts[0]}/samples`)).json()) as { sample: string[] };
      expect(samples.sample).toEqual([0, 1].map((i) => `${list.workouts[0]}/samples/${i}`));
      expect(await (await raw("GET", samples.sample[1]!)).json()).toEqual({ type: "cadence", average: 84 });
      // w2 has no samples: a 404.
      expect((await raw("GET", `${list.workouts[1]}/samples`)).status).toBe(404);
      expect((await raw("PUT", body["resource-uri"])).status).toBe(200);
      const next = (await (await raw("POST", base)).json()) as { "resource-uri": string };
      expect(((await (await raw("GET", next["resource-uri"])).json()) as { workouts: string[] }).workouts).toEqual([`${next["resource-uri"]}/workouts/w3`]);
      expect((await raw("PUT", next["resource-uri"])).status).toBe(200);
      expect((await raw("POST", base)).status).toBe(204);
      expect(mock.transactions.map((t) => [t.state, t.items])).toEqual([
        ["committed", ["w1", "w2"]],
        ["committed", ["w3"]],
      ]);
    });

    it("no token is 401; an unknown transaction, another user's or a committed one's items are 404; a user not registered with the client gets 403", async () => {
      const { raw, base, mock } = await setUp();
      const { "resource-uri": uri } = (await (await raw("POST", base)).json()) as { "resource-uri": string };
      const { workouts } = (await (await raw("GET", uri)).json()) as { workouts: string[] };
      expect((await raw("POST", base, null)).status).toBe(401);
      expect((await raw("GET", `${base}/999999`)).status).toBe(404);
      expect((await raw("PUT", `${base}/999999`)).status).toBe(404);
      const other = fixtures.users.find((u) => String(u.id) === OTHER)!.token!;
      expect((await raw("GET", workouts[0]!, other)).status).toBe(404);
      expect((await raw("POST", `${mock.urls().baseUrl}/users/${OTHER}/transactions`, other)).status).toBe(403);
      expect((await raw("PUT", uri)).status).toBe(200);
      expect((await raw("GET", workouts[0]!)).status).toBe(404);
    });

    it("a transaction not committed within its lifetime (600 s) expires — list, items and commit 404 — and its items come in the next one", async () => {
      const { raw, base, clock, mock } = await setUp();
      const first = (await (await raw("POST", base)).json()) as { "transaction-id": number; "resource-uri": string };
      const { workouts } = (await (await raw("GET", first["resource-uri"])).json()) as { workouts: string[] };
      clock.advance(601);
      expect((await raw("GET", first["resource-uri"])).status).toBe(404);
      expect((await raw("GET", workouts[0]!)).status).toBe(404);
      expect((await raw("PUT", first["resource-uri"])).status).toBe(404);
      const second = (await (await raw("POST", base)).json()) as { "transaction-id": number };
      expect(second["transaction-id"]).not.toBe(first["transaction-id"]);
      expect(mock.transactions.map((t) => [t.state, t.items])).toEqual([
        ["expired", ["w1", "w2"]],
        ["open", ["w1", "w2"]],
      ]);
    });
  });

  describe("the read", () => {
    it("a poll reads each transaction's items with their parts, commits each, and opens the next until a 204; the next poll finds nothing", async () => {
      const { poll, mock } = await setUp();
      const polled = await poll();
      expect(polled.failures()).toEqual([]);
      expect(polled.records.map((r) => [r.stream, r.provider.id])).toEqual(ITEMS.map((id) => ["workout_transactions", id]));
      const [w1, w2, w3] = polled.records.map((r) => r.provider);
      expect(w1).toMatchObject({
        laps: [{ meters: 1000 }, { meters: 1500 }],
        samples: [
          { type: "heart_rate", average: 141 },
          { type: "cadence", average: 84 },
        ],
      });
      // Optional parts the provider has not: left out.
      expect(w2).not.toHaveProperty("samples");
      expect(w3).not.toHaveProperty("laps");
      expect(polled.delivered()).toMatchObject([
        { metadata: { summary_id: "w1" }, distance_data: { summary: { distance_meters: 2500 } }, heart_rate_data: { summary: { avg_hr_bpm: 141 } } },
        { metadata: { summary_id: "w2" }, distance_data: { summary: { distance_meters: 30000 } } },
        { metadata: { summary_id: "w3" } },
      ]);
      expect(mock.transactions.map((t) => t.state)).toEqual(["committed", "committed"]);
      // A poll reads no list: the transactions say what is new.
      expect(mock.requests.some((r) => r.path.endsWith("/workouts"))).toBe(false);

      const again = await poll();
      expect(again.records).toEqual([]);
      const creates = mock.requests.filter((r) => r.method === "POST" && r.path.endsWith("/transactions"));
      expect(creates.map((r) => r.status)).toEqual([201, 201, 204, 204]);
    });

    it("a window's read (a backfill, a request) reads the list and leaves the transactions alone", async () => {
      const { client, connection, mock } = await setUp();
      const read = await pullAndMap(definition, client, { window: WINDOW, providerUserId: MEMBER, credentials: connection.credentials, now });
      expect(read.records.map((r) => [r.stream, r.provider.id])).toEqual(ITEMS.map((id) => ["workouts", id]));
      expect(mock.transactions).toEqual([]);
    });

    it("a read that stops before its commit leaves the transaction open: the next read gets the same items, and commits them", async () => {
      const { session, executor, mock } = await setUp();
      const seen: unknown[] = [];
      for await (const round of executor.readTransactions(stream, { session })) {
        for await (const record of round.records()) seen.push(record.id);
        break; // a crash between the items and the commit
      }
      expect(seen).toEqual(["w1", "w2"]);
      expect(mock.transactions.map((t) => t.state)).toEqual(["open"]);
      const again: unknown[] = [];
      const reading = executor.readTransactions(stream, { session });
      for await (const round of reading) {
        for await (const record of round.records()) again.push(record.id);
        await round.commit();
      }
      expect(again).toEqual(ITEMS);
      expect(mock.transactions.map((t) => [t.state, t.items])).toEqual([
        ["committed", ["w1", "w2"]],
        ["committed", ["w3"]],
      ]);
      expect(reading.stats).toMatchObject({ transactions: 2, items: 3, committed: 2, expired: 0 });
    });

    it("a transaction that expired before its commit is counted expired, and its items come again in the next read", async () => {
      const { session, executor, mock, clock } = await setUp();
      const first = executor.readTransactions(stream, { session });
      for await (const round of first) {
        for await (const record of round.records()) expect(record.id).toMatch(/^w[12]$/);
        clock.advance(601); // the items took longer than the transaction lives
        await round.commit();
        break;
      }
      expect(first.stats).toMatchObject({ transactions: 1, items: 2, committed: 1, expired: 1 });
      const again: unknown[] = [];
      for await (const round of executor.readTransactions(stream, { session })) {
        for await (const record of round.records()) again.push(record.id);
        await round.commit();
      }
      expect(again).toEqual(ITEMS);
      expect(mock.transactions.map((t) => t.state)).toEqual(["expired", "committed", "committed"]);
    });

    it("a commit answered 204 is a commit, though the spec ignores 204 (a create's nothing new): not an expired transaction", async () => {
      const clock = manualClock(now());
      const mock = mockFromSpec(definition.spec, fixtures, { clock });
      // The provider answers its commits with 204 and no body.
      mock.app.addHook("onSend", async (request, reply, payload) => {
        if (request.method !== "PUT" || reply.statusCode !== 200) return payload;
        reply.code(204);
        return "";
      });
      await mock.listen();
      onTestFinished(() => mock.close());
      const { session, executor } = await setUp({ mock });
      const reading = executor.readTransactions(stream, { session });
      for await (const round of reading) {
        for await (const _ of round.records());
        await round.commit();
      }
      expect(mock.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([204, 204]);
      expect(reading.stats).toMatchObject({ transactions: 2, items: 3, committed: 2, expired: 0 });
      expect(mock.transactions.map((t) => t.state)).toEqual(["committed", "committed"]);
    });

    it("maxRounds bounds the transactions one read opens: the rest waits for the next read", async () => {
      const { session, executor } = await setUp();
      const bounded = { ...stream, transaction: { ...stream.transaction!, maxRounds: 1 } };
      const read = async () => {
        const ids: unknown[] = [];
        for await (const round of executor.readTransactions(bounded, { session })) {
          for await (const record of round.records()) ids.push(record.id);
          await round.commit();
        }
        return ids;
      };
      expect(await read()).toEqual(["w1", "w2"]);
      expect(await read()).toEqual(["w3"]);
      expect(await read()).toEqual([]);
    });

    it("a user not registered with the client: the create's 403 fails the read", async () => {
      const { session, executor } = await setUp({ register: false });
      const reading = executor.readTransactions(stream, { session });
      await expect(
        (async () => {
          for await (const round of reading) await round.commit();
        })(),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_/) });
      expect(reading.stats.transactions).toBe(0);
    });
  });
});
