import { createHmac, timingSafeEqual } from "node:crypto";
import { verifyTerraWebhookSignature } from "terra-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForIdle } from "@tributary/core/runtime";
import type { Arrival } from "../e2e/recording-receiver.ts";
import { until } from "../kit/until.ts";
import { startApiHarness, type ApiHarness } from "./api-harness.ts";

/**
 * What Tributary sends to a developer's webhook, checked the way an app written for Terra reads it:
 * every delivery's signature verified by Terra's own JavaScript SDK (npm `terra-api`) and by an
 * implementation written here from Terra's description alone (split the header on commas, each part on
 * its first `=`, HMAC-SHA256 of `<t>.<raw body>` in hex), the headers Terra documents, and each event's
 * fields — exactly those Terra sends, no fewer and no others — with the `user` object as Terra writes it.
 */

const PAYLOAD_VERSION = "2022-03-16";
/** Terra's UTC timestamps: microseconds and an explicit +00:00. */
const TERRA_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;
const USER_FIELDS = ["active", "created_at", "last_webhook_update", "provider", "reference_id", "scopes", "user_id"];

/** Terra's description of the check, implemented independently of Tributary's verifier. */
function verifiedAsTerraDescribes(header: string, raw: Buffer, secret: string): boolean {
  const parts = header.split(",").map((part) => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)] as const);
  const t = parts.find(([name]) => name === "t")?.[1];
  if (t === undefined || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = Buffer.from(
    createHmac("sha256", secret)
      .update(`${t}.${raw.toString("utf8")}`)
      .digest("hex"),
  );
  return parts.some(([name, value]) => name === "v1" && value.length === expected.length && timingSafeEqual(Buffer.from(value), expected));
}

const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, any>;
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ workers: true });
});
afterAll(async () => {
  await api?.close();
});

const idle = () => waitForIdle(api.app.ctx.queues, { timeoutMs: 180_000 });
const arrivalsOf = (userId: string) =>
  api.b.receiver.arrivals.filter((arrival) => (arrival.payload.user as { user_id?: string } | undefined)?.user_id === userId);
const keys = (value: object) => Object.keys(value).sort();

function expectTerraUser(user: unknown, expected: { user_id: string; reference_id: string | null; active: boolean }) {
  const object = user as Record<string, unknown>;
  expect(keys(object)).toEqual(USER_FIELDS);
  expect(object).toMatchObject({ ...expected, provider: "SANDBOX" });
  expect(object.created_at).toMatch(TERRA_UTC);
  if (object.last_webhook_update !== null) expect(object.last_webhook_update).toMatch(TERRA_UTC);
  expect(object.scopes === null || typeof object.scopes === "string").toBe(true);
}

describe("deliveries as a Terra app receives them", () => {
  let userId: string;
  let arrivals: Arrival[];
  const referenceId = `wire-${Date.now()}`;

  beforeAll(async () => {
    const connected = await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", { as: api.b, body: { reference_id: referenceId } });
    userId = json(connected).user_id;
    await idle();
    const large = await api.call("GET", `/v2/daily?user_id=${userId}&start_date=${day(-35)}&end_date=${day(-1)}`, { as: api.b });
    expect(json(large).reference).toEqual(expect.any(String));
    await idle();
    expect((await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { as: api.b })).statusCode).toBe(200);
    await until("deauth", async () => (arrivalsOf(userId).some((arrival) => arrival.payload.type === "deauth") ? true : undefined), 60_000);
    arrivals = arrivalsOf(userId);
  }, 240_000);

  it("every delivery verifies with terra-api's verifyTerraWebhookSignature and with Terra's algorithm written independently", async () => {
    expect(arrivals.length).toBeGreaterThan(5);
    for (const arrival of arrivals) {
      const header = arrival.headers["terra-signature"] as string;
      expect(header, arrival.payload.type).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
      await expect(verifyTerraWebhookSignature(arrival.raw.toString("utf8"), header, api.b.signingSecret)).resolves.toBe(true);
      expect(verifiedAsTerraDescribes(header, arrival.raw, api.b.signingSecret)).toBe(true);
      // The other developer's secret does not verify it.
      await expect(verifyTerraWebhookSignature(arrival.raw.toString("utf8"), header, api.a.signingSecret)).rejects.toThrow();
      expect(verifiedAsTerraDescribes(header, arrival.raw, api.a.signingSecret)).toBe(false);
    }
  });

  it("carries the headers Terra sends: JSON, both signature spellings, a trace id, the ordering timestamp, terra-reference on a request's events", () => {
    const requestTypes = new Set(["large_request_processing", "large_request_sending"]);
    for (const arrival of arrivals) {
      const { headers } = arrival;
      expect(headers["content-type"]).toBe("application/json");
      expect(headers["x-terra-signature"]).toBe(headers["terra-signature"]);
      expect(headers["x-terra-trace-id"]).toEqual(expect.any(String));
      expect(headers["x-terra-ordering-timestamp"]).toMatch(/^\d{13}$/);
      if (requestTypes.has(arrival.payload.type)) expect(headers["terra-reference"]).toBe((arrival.payload as { reference?: string }).reference);
    }
  });

  it("each event has exactly Terra's fields, with the user object as Terra writes it", () => {
    const byType = (type: string) => arrivals.filter((arrival) => arrival.payload.type === type).map((arrival) => arrival.payload as Record<string, any>);
    const [auth] = byType("auth");
    expect(keys(auth!)).toEqual(["message", "reference_id", "status", "type", "user", "version"]);
    expect(auth).toMatchObject({ status: "success", reference_id: referenceId, version: PAYLOAD_VERSION, message: "User has successfully authenticated" });
    expectTerraUser(auth!.user, { user_id: userId, reference_id: referenceId, active: true });

    for (const type of ["daily", "sleep", "body", "nutrition", "menstruation"]) {
      const events = byType(type);
      expect(events.length, type).toBeGreaterThan(0);
      for (const event of events) {
        expect(keys(event)).toEqual(["data", "type", "user", "version"]);
        expect(event.version).toBe(PAYLOAD_VERSION);
        expect(Array.isArray(event.data)).toBe(true);
        expectTerraUser(event.user, { user_id: userId, reference_id: referenceId, active: true });
      }
    }
    for (const event of byType("athlete")) expect(keys(event)).toEqual(["athlete", "type", "user", "version"]);

    const [processing] = byType("large_request_processing");
    expect(keys(processing!)).toEqual(["message", "reference", "status", "type", "user"]);
    expect(processing!.status).toBe("processing");
    const [sending] = byType("large_request_sending");
    expect(keys(sending!)).toEqual(["expected_payloads", "message", "reference", "type", "user"]);
    expect(Number.isInteger(sending!.expected_payloads)).toBe(true);
    expect(sending!.reference).toBe(processing!.reference);

    const [deauth] = byType("deauth");
    expect(keys(deauth!)).toEqual(["message", "status", "type", "user"]);
    expect(deauth).toMatchObject({ status: "success", message: "User has deauthenticated" });
    expectTerraUser(deauth!.user, { user_id: userId, reference_id: referenceId, active: false });
  });
});

describe("REST answers carry the user object as the payloads do", () => {
  it("userInfo (one user, and a reference_id's users), bulkUserInfo and subscriptions", async () => {
    const referenceId = `wire-rest-${Date.now()}`;
    const userId = json(await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", { as: api.b, body: { reference_id: referenceId } })).user_id;
    const one = json(await api.call("GET", `/v2/userInfo?user_id=${userId}`, { as: api.b }));
    expect(keys(one)).toEqual(["is_authenticated", "status", "user"]);
    expect(one).toMatchObject({ status: "success", is_authenticated: true });
    // userInfo adds Terra's polling fields (and Tributary's pause) to the user.
    expect(keys(one.user)).toEqual([...USER_FIELDS, "last_polled_at", "most_recent_data_at", "paused_at"].sort());
    expect(one.user.created_at).toMatch(TERRA_UTC);
    const listed = json(await api.call("GET", `/v2/userInfo?reference_id=${referenceId}`, { as: api.b })) as unknown as unknown[];
    expect(listed).toHaveLength(1);
    expectTerraUser(listed[0], { user_id: userId, reference_id: referenceId, active: true });
    const bulk = json(await api.call("POST", "/v2/bulkUserInfo", { as: api.b, body: [userId] })) as unknown as unknown[];
    expectTerraUser(bulk[0], { user_id: userId, reference_id: referenceId, active: true });
    const { users } = json(await api.call("GET", "/v2/subscriptions", { as: api.b }));
    expectTerraUser(
      (users as Array<{ user_id: string }>).find((user) => user.user_id === userId),
      { user_id: userId, reference_id: referenceId, active: true },
    );
  });
});
