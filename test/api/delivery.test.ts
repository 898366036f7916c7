import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxTerraRecords } from "@tributary/connector-sandbox";
import { dataPayloads, emitPayload, waitForIdle } from "@tributary/core/runtime";
import { until } from "../kit/until.ts";
import { startApiHarness, type Account, type ApiHarness } from "./api-harness.ts";

/**
 * What the API's requests make happen at the destinations, with workers running: each developer's data
 * reaches its own receiver only, signed with its own secret (the receivers refuse anything else); a long
 * request arrives as Terra announces it; payloads stay under the configured size; a paused user's data
 * is held back and caught up on resume.
 */

const MAX_PAYLOAD_BYTES = 256 * 1024;
const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, any>;
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ workers: true, delivery: `delivery: { attempts: 2, backoffSeconds: 1, maxPayloadBytes: ${MAX_PAYLOAD_BYTES} }` });
});
afterAll(async () => {
  await api?.close();
});

const idle = () => waitForIdle(api.app.ctx.queues, { timeoutMs: 180_000 });

async function connect(who: Account): Promise<string> {
  const response = await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", { as: who, body: {} });
  expect(response.statusCode, response.body).toBe(200);
  return json(response).user_id as string;
}

const userOf = (payload: Record<string, any>): string | undefined => payload.user?.user_id;

describe("deliveries of each developer", () => {
  it("reach only that developer's destination, signed with its own secret", async () => {
    const [ofA, ofB] = [await connect(api.a), await connect(api.b)];
    await idle();
    for (const [account, mine, theirs] of [
      [api.a, ofA, ofB],
      [api.b, ofB, ofA],
    ] as const) {
      const users = new Set(account.receiver.arrivals.map((arrival) => userOf(arrival.payload)));
      expect(users.has(mine), account.devId).toBe(true);
      expect(users.has(theirs), account.devId).toBe(false);
      const types = new Set(account.receiver.arrivals.filter((arrival) => userOf(arrival.payload) === mine).map((arrival) => arrival.payload.type));
      // SANDBOX members have rest days: a two-day backfill may hold no workout, so activity may be missing.
      types.delete("activity");
      expect([...types].sort()).toEqual(["athlete", "auth", "body", "daily", "menstruation", "nutrition", "sleep"]);
    }
    // Nothing was refused by a receiver (a wrong signature would have been): no dead letters.
    expect(await api.store.listDeadLetters({ limit: 10 })).toEqual([]);
  }, 240_000);

  it("a 90-day request arrives as Terra announces it: processing, sending with expected_payloads, then the chunks, one reference", async () => {
    const userId = await connect(api.b);
    await idle();
    const response = await api.call("GET", `/v2/daily?user_id=${userId}&start_date=${day(-90)}&end_date=${day(-1)}`, { as: api.b });
    expect(response.statusCode).toBe(200);
    const reference = json(response).reference as string;
    expect(response.headers["terra-reference"]).toBe(reference);
    await idle();

    const arrivals = api.b.receiver.arrivals.filter((arrival) => arrival.reference === reference);
    expect(api.a.receiver.arrivals.filter((arrival) => arrival.reference === reference)).toEqual([]);
    const processing = arrivals.filter((arrival) => arrival.payload.type === "large_request_processing");
    const sending = arrivals.filter((arrival) => arrival.payload.type === "large_request_sending");
    const chunks = arrivals.filter((arrival) => arrival.payload.type === "daily");
    expect(processing).toHaveLength(1);
    expect(processing[0]!.payload).toMatchObject({ status: "processing", reference, user: { user_id: userId } });
    expect(sending).toHaveLength(1);
    expect(sending[0]!.payload).toMatchObject({ reference, expected_payloads: chunks.length, user: { user_id: userId } });
    expect(arrivals).toHaveLength(2 + chunks.length);

    // 90 whole days (the user's local days straddle UTC): in chunks of at most 10, each day once.
    const expected = [...sandboxTerraRecords("daily", { userId, range: { start: new Date(`${day(-90)}T00:00:00Z`), end: new Date(`${day(0)}T00:00:00Z`) } })];
    expect(expected.length).toBeGreaterThanOrEqual(90);
    expect(chunks).toHaveLength(Math.ceil(expected.length / 10));
    const days = chunks.flatMap((chunk) =>
      (chunk.payload.data as Array<{ metadata: { start_time: string } }>).map((record) => record.metadata.start_time.slice(0, 10)),
    );
    expect(new Set(days).size).toBe(expected.length);
    expect(chunks.map((chunk) => chunk.traceId).sort()).toEqual(chunks.map((_, n) => `${reference}:chunk:${n}`).sort());

    // Announced in order: whatever order the deliveries raced in, their ordering timestamps say it.
    const ordered = [...arrivals].sort((x, y) => x.orderingTimestamp - y.orderingTimestamp);
    expect(ordered.map((arrival) => arrival.payload.type)).toEqual(["large_request_processing", "large_request_sending", ...chunks.map(() => "daily")]);
    expect(ordered.slice(2).map((arrival) => arrival.traceId)).toEqual(chunks.map((_, n) => `${reference}:chunk:${n}`));
  }, 240_000);

  it("no payload is larger than delivery.maxPayloadBytes unless it is a single record; none is lost", async () => {
    const userId = await connect(api.b);
    await idle();
    const response = await api.call("GET", `/v2/activity?user_id=${userId}&start_date=${day(-12)}&end_date=${day(-1)}&with_samples=true`, { as: api.b });
    const reference = json(response).reference as string;
    await idle();
    const payloads = api.b.receiver.arrivals.filter((arrival) => arrival.reference === reference);
    expect(payloads.length).toBeGreaterThan(1);
    for (const arrival of payloads) {
      const records = (arrival.payload.data as unknown[]).length;
      if (records > 1) expect(arrival.bytes, `${records} records`).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    }
    const expected = [
      ...sandboxTerraRecords("activity", {
        userId,
        range: { start: new Date(`${day(-12)}T00:00:00Z`), end: new Date(`${day(0)}T00:00:00Z`) },
        withSamples: true,
      }),
    ];
    const summaries = payloads.flatMap((arrival) =>
      (arrival.payload.data as Array<{ metadata: { summary_id: string } }>).map((record) => record.metadata.summary_id),
    );
    expect(summaries.sort()).toEqual(expected.map((record) => (record as { metadata: { summary_id: string } }).metadata.summary_id).sort());
  }, 240_000);
});

describe("pause and resume", () => {
  it("holds a paused user's data back, then pulls what the pause held back on resume", async () => {
    const userId = await connect(api.b);
    await idle();
    const pause = json(await api.call("POST", `/v2/users/${userId}/pause`, { as: api.b }));

    // A payload made before the pause (a pull racing it) is withheld, not delivered.
    const connection = (await api.store.getConnection(userId))!;
    const records = [...sandboxTerraRecords("daily", { userId, range: { start: new Date(`${day(-2)}T00:00:00Z`), end: new Date(`${day(-1)}T00:00:00Z`) } })];
    const [serialized] = dataPayloads("daily", { ...connection, created_at: connection.created_at, last_webhook_update: null }, records, {
      maxRecords: 100,
      maxBytes: MAX_PAYLOAD_BYTES,
    });
    await emitPayload(api.app.services, serialized!.payload, { traceId: `paused-${userId}`, developer: connection.developer_id, body: serialized!.body });
    await idle();
    expect(api.b.receiver.arrivals.filter((arrival) => arrival.traceId === `paused-${userId}`)).toEqual([]);
    expect((await api.store.listDeliveries({ traceId: `paused-${userId}`, limit: 10 })).map((d) => d.status)).toEqual(["withheld"]);

    const before = api.b.receiver.arrivals.length;
    const resumed = json(await api.call("POST", `/v2/users/${userId}/resume`, { as: api.b }));
    expect(resumed.catch_up.start).toBe(pause.paused_at);
    await idle();
    const after = api.b.receiver.arrivals.slice(before).filter((arrival) => userOf(arrival.payload) === userId);
    // The catch-up pulled every data type over the pause (the athlete profile always has a record).
    expect(after.some((arrival) => arrival.payload.type === "athlete")).toBe(true);
  }, 240_000);

  it("a deauthentication reaches the destination once", async () => {
    const userId = await connect(api.b);
    await idle();
    await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { as: api.b });
    await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { as: api.b });
    // The erase sweep stays delayed for twice the longest write: wait for the event itself, then a moment more.
    const deauthsOf = () => api.b.receiver.arrivals.filter((arrival) => arrival.payload.type === "deauth" && userOf(arrival.payload) === userId);
    await until("the deauth event", async () => (deauthsOf().length > 0 ? true : undefined), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const deauths = deauthsOf();
    expect(deauths).toHaveLength(1);
    expect(deauths[0]!.payload).toMatchObject({ status: "success", user: { user_id: userId, active: false } });
  }, 240_000);
});
