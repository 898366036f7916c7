import { createHmac, randomUUID } from "node:crypto";
import type { ConnectorSpec } from "@tributary/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHandshakes, sendPush, signPush, type SignedPush } from "../../src/mock-provider/index.ts";
import { startSpecPushApp, type SpecPushApp } from "./spec-push-app.ts";

/**
 * Every verification scheme, body encoding and handshake of the connector spec, through the real HTTP
 * server and real Redis, with the spec fixtures of real providers (Fitbit, Polar, Oura, WHOOP, Wahoo,
 * Strava, Garmin, Withings), a partner on Terra's scheme and a TypeScript connector's verify hook.
 * Pushes are signed as each provider signs them (the mock provider's signer); a refused push enqueues
 * nothing.
 */
describe("provider pushes verified as each connector spec declares", () => {
  let t: SpecPushApp;
  const user = String(100_000 + Math.floor(Math.random() * 800_000));

  beforeAll(async () => {
    t = await startSpecPushApp();
    for (const provider of Object.keys(t.definitions)) await t.store.createConnection({ provider, providerUserId: user });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  const spec = (provider: string): ConnectorSpec => t.definitions[provider]!.spec;
  const secretOf = (provider: string) => {
    const verify = spec(provider).webhook!.verify;
    return "secret" in verify && verify.secret === "clientSecret" ? t.secrets.client : t.secrets.push;
  };
  const sign = (provider: string, payload: unknown, options: { secret?: string; now?: number; hexCase?: "upper" } = {}): SignedPush => {
    const webhook = spec(provider).webhook!;
    return signPush({
      verify: webhook.verify,
      encoding: webhook.body ?? "json",
      payload,
      secret: options.secret ?? secretOf(provider),
      ...(options.now ? { now: options.now } : {}),
      ...(options.hexCase ? { hexCase: options.hexCase } : {}),
    });
  };
  const send = async (provider: string, push: SignedPush) => {
    const requestId = randomUUID();
    const response = await sendPush(`${t.url}/hooks/${provider.toLowerCase().replaceAll("_", "-")}`, {
      ...push,
      headers: { ...push.headers, "x-request-id": requestId },
    });
    return {
      ...response,
      json: response.body.startsWith("{") ? (JSON.parse(response.body) as Record<string, unknown>) : undefined,
      enqueued: () => t.enqueued(requestId),
    };
  };
  const hookedPush = (payload: unknown, secret = t.secrets.push): SignedPush => {
    const body = Buffer.from(JSON.stringify(payload));
    const query = { nonce: randomUUID() };
    const signature = createHmac("sha256", secret).update(new URLSearchParams(query).toString()).update(body).digest("hex");
    return { body, headers: { "content-type": "application/json", "x-acme-signature": signature }, query };
  };

  const now = () => Date.now();
  /** One push per scheme, as the provider sends it, naming `user`. */
  const pushes: Array<{ provider: string; scheme: string; payload: () => unknown }> = [
    { provider: "ACME_PUSH", scheme: "terra (t=…,v1=… in one header)", payload: () => ({ user_id: user, activities: [{ id: randomUUID() }] }) },
    {
      provider: "FITBIT",
      scheme: "hmac: base64 HMAC-SHA1 keyed client_secret&",
      payload: () => [{ collectionType: "activities", date: "2026-04-01", ownerId: user, ownerType: "user", subscriptionId: randomUUID() }],
    },
    {
      provider: "POLAR",
      scheme: "hmac: hex HMAC-SHA256",
      payload: () => ({
        event: "EXERCISE",
        user_id: Number(user),
        entity_id: randomUUID(),
        timestamp: "2026-04-01T10:00:00Z",
        url: "https://www.polaraccesslink.com/v3/exercises/aQlC83",
      }),
    },
    {
      provider: "OURA",
      scheme: "hmac: upper-case hex of x-oura-timestamp + body",
      payload: () => ({ event_type: "create", data_type: "sleep", object_id: randomUUID(), user_id: user }),
    },
    {
      provider: "WHOOP",
      scheme: "hmac: base64 of the millisecond timestamp + body",
      payload: () => ({ user_id: Number(user), id: randomUUID(), type: "workout.updated", trace_id: randomUUID() }),
    },
    {
      provider: "WAHOO",
      scheme: "token in the body",
      payload: () => ({ event_type: "workout_summary", user: { id: Number(user) }, workout_summary: { id: randomUUID() } }),
    },
    {
      provider: "STRAVA",
      scheme: "none, matched by subscription id",
      payload: () => ({
        aspect_type: "create",
        event_time: Math.floor(now() / 1000),
        object_id: Math.floor(Math.random() * 1e9),
        object_type: "activity",
        owner_id: Number(user),
        subscription_id: 120475,
        updates: {},
      }),
    },
    { provider: "GARMIN", scheme: "none, a keys batch", payload: () => ({ activities: [{ userId: user, summaryId: randomUUID(), activityType: "RUNNING" }] }) },
    {
      provider: "WITHINGS",
      scheme: "none, form-encoded",
      payload: () => ({ userid: user, appli: 1, startdate: 1775000000, enddate: Math.floor(Math.random() * 1e6) + 1775003600 }),
    },
  ];
  const signed = (provider: string, payload: unknown, options?: Parameters<typeof sign>[2]) =>
    provider === "ACME_HOOKED" ? hookedPush(payload, options?.secret) : sign(provider, payload, options);

  it.each(pushes)("$provider ($scheme): the right push is accepted once and enqueued; the same push again is a replay", async ({ provider, payload }) => {
    const push = signed(provider, payload());
    const first = await send(provider, push);
    expect(first.status, first.body).toBe(200);
    expect(first.json).toMatchObject({ status: "accepted", notifications: 1 });
    expect(await first.enqueued()).toEqual([expect.objectContaining({ provider, providerUserId: user })]);

    const again = await send(provider, push);
    expect(again.status).toBe(401);
    expect(again.json).toMatchObject({ message: "replayed" });
    expect(await again.enqueued()).toEqual([]);
  });

  it("ACME_HOOKED (the verify hook): the right push is accepted, a wrong one and a replay refused", async () => {
    const push = hookedPush({ user: user, day: "2026-04-01" });
    expect((await send("ACME_HOOKED", push)).status).toBe(200);
    expect((await send("ACME_HOOKED", push)).status).toBe(401);
    const wrong = await send("ACME_HOOKED", hookedPush({ user: user, day: "2026-04-02" }, "another-secret"));
    expect(wrong.status).toBe(401);
    expect(await wrong.enqueued()).toEqual([]);
  });

  it.each(pushes.filter((p) => !["GARMIN", "WITHINGS"].includes(p.provider)))(
    "$provider ($scheme): a push signed with another secret, or naming another subscription, is refused 401",
    async ({ provider, payload }) => {
      const wrong =
        provider === "STRAVA"
          ? sign(provider, { ...(payload() as object), subscription_id: 999 })
          : sign(provider, payload(), { secret: `${secretOf(provider)}-not` });
      const response = await send(provider, wrong);
      expect(response.status, response.body).toBe(401);
      expect(await response.enqueued()).toEqual([]);
    },
  );

  it.each(["ACME_PUSH", "OURA", "WHOOP"])("%s: a stale or far-future signed timestamp is refused 401, before the body is read", async (provider) => {
    const payload = pushes.find((p) => p.provider === provider)!.payload;
    for (const at of [now() - 3_600_000, now() + 3_600_000]) {
      const response = await send(provider, sign(provider, payload(), { now: at }));
      expect(response.status).toBe(401);
      expect(response.json?.message).toMatch(/tolerance/);
      expect(await response.enqueued()).toEqual([]);
    }
  });

  it("a changed body under a right signature is refused, for every signing scheme", async () => {
    for (const provider of ["ACME_PUSH", "FITBIT", "POLAR", "OURA", "WHOOP"]) {
      const push = sign(provider, pushes.find((p) => p.provider === provider)!.payload());
      const changed = Buffer.from(push.body.toString("utf8").replace(user, String(Number(user) + 1)));
      const response = await send(provider, { ...push, body: changed });
      expect(response.status, provider).toBe(401);
      expect(await response.enqueued()).toEqual([]);
    }
  });

  it("re-spelled signatures: a refused spelling is 401, an accepted one (hex case) is still the same push — a replay", async () => {
    const terra = sign("ACME_PUSH", pushes[0]!.payload());
    const header = terra.headers["acme-signature"]!;
    for (const spelling of [header.replace(",", ", "), `${header},`, header.replace(/v1=([0-9a-f]+)/, (_, h: string) => `v1=${h.toUpperCase()}`)]) {
      expect((await send("ACME_PUSH", { ...terra, headers: { ...terra.headers, "acme-signature": spelling } })).status, spelling).toBe(401);
    }
    const fitbit = sign("FITBIT", pushes[1]!.payload());
    const unpadded = fitbit.headers["x-fitbit-signature"]!.replace(/=+$/, "");
    expect((await send("FITBIT", { ...fitbit, headers: { ...fitbit.headers, "x-fitbit-signature": unpadded } })).status).toBe(401);

    const oura = sign("OURA", pushes[3]!.payload(), { hexCase: "upper" });
    expect((await send("OURA", oura)).status).toBe(200);
    const lower = { ...oura, headers: { ...oura.headers, "x-oura-signature": oura.headers["x-oura-signature"]!.toLowerCase() } };
    const replay = await send("OURA", lower);
    expect(replay.status).toBe(401);
    expect(replay.json?.message).toBe("replayed");
  });

  it("hostile signed pushes: too deep, too many, a prototype event type, a bad user id — 400, nothing enqueued", async () => {
    const deep = `{"user_id":"${user}","activities":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const tooMany = Array.from({ length: 1001 }, () => ({ collectionType: "activities", date: "2026-04-01", ownerId: user }));
    const cases: Array<[string, SignedPush]> = [
      ["ACME_PUSH", sign("ACME_PUSH", Buffer.from(deep))],
      ["FITBIT", sign("FITBIT", tooMany)],
      ["POLAR", sign("POLAR", { event: "constructor", user_id: 1 })],
      ["POLAR", sign("POLAR", { event: "__proto__", user_id: 1 })],
      ["OURA", sign("OURA", { event_type: "create", data_type: "sleep", object_id: "x", user_id: "u\u0000".repeat(200) })],
      ["ACME_PUSH", sign("ACME_PUSH", Buffer.from(`{"user_id":"${user}","__proto__":{"x":1}}`))],
      ["WITHINGS", sign("WITHINGS", Buffer.from(`userid=${user}&appli=1&__proto__=1`))],
    ];
    for (const [provider, push] of cases) {
      const response = await send(provider, push);
      expect(response.status, `${provider}: ${response.body}`).toBe(400);
      expect(await response.enqueued()).toEqual([]);
    }
  });

  it("ignored notifications need no user and are acknowledged without being queued (Polar's PING)", async () => {
    const response = await send("POLAR", sign("POLAR", { event: "PING", timestamp: new Date().toISOString() }));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: "accepted", notifications: 0, ignored: 1 });
    expect(await response.enqueued()).toEqual([]);
    const counted = await t.app.ctx.metrics.webhooks.get();
    expect(counted.values.find((v) => v.labels.provider === "POLAR" && v.labels.outcome === "ignored")?.value).toBe(1);
  });

  it("Polar's PING signed with a key not configured (a webhook made again) is answered, nothing queued; an event signed so is refused", async () => {
    const ping = await send("POLAR", sign("POLAR", { event: "PING", timestamp: new Date().toISOString() }, { secret: "a-new-key" }));
    expect(ping.status).toBe(200);
    expect(await ping.enqueued()).toEqual([]);
    const exercise = await send(
      "POLAR",
      sign(
        "POLAR",
        { event: "EXERCISE", user_id: Number(user), entity_id: randomUUID(), url: "https://www.polaraccesslink.com/v3/exercises/aQlC83" },
        { secret: "a-new-key" },
      ),
    );
    expect(exercise.status).toBe(401);
    expect(await exercise.enqueued()).toEqual([]);
  });

  it("a Wahoo push is stored without its webhook token", async () => {
    const response = await send("WAHOO", sign("WAHOO", pushes[5]!.payload()));
    const [notification] = await response.enqueued();
    expect(notification?.notification).not.toHaveProperty("webhook_token");
    expect(JSON.stringify(notification)).not.toContain(t.secrets.push);
  });

  it("a form-encoded push (Withings) is decoded into its fields", async () => {
    const response = await send("WITHINGS", sign("WITHINGS", { userid: user, appli: 1, startdate: 1775000000, enddate: 1775003600 }));
    expect(response.status).toBe(200);
    expect((await response.enqueued())[0]?.notification).toEqual({ userid: user, appli: "1", startdate: "1775000000", enddate: "1775003600" });
  });

  describe("handshakes", () => {
    const hook = (provider: string) => `${t.url}/hooks/${provider.toLowerCase()}`;
    it.each(["FITBIT", "OURA", "STRAVA", "WITHINGS"])("%s: every declared handshake answers as the provider expects", async (provider) => {
      const results = await runHandshakes(hook(provider), spec(provider).webhook!.handshakes!, { verifyToken: t.secrets.verifyToken });
      expect(results.length).toBeGreaterThan(0);
      for (const result of results) expect(result.ok, result.detail).toBe(true);
    });

    it("a wrong verify token is refused, a handshake a provider does not declare is 404", async () => {
      const strava = await fetch(`${hook("STRAVA")}?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=wrong`);
      expect(strava.status).toBe(403);
      const oura = await fetch(`${hook("OURA")}?challenge=abc`);
      expect(oura.status).toBe(403);
      expect((await fetch(hook("FITBIT"), { method: "HEAD" })).status).toBe(404);
      expect((await fetch(`${hook("WITHINGS")}?challenge=abc`)).status).toBe(404);
      expect((await fetch(`${hook("POLAR")}?challenge=abc`)).status).toBe(404);
      expect((await fetch(`${hook("FITBIT")}?other=1`)).status).toBe(400);
      // The echo is never markup: text/plain or JSON only.
      const json = await fetch(`${hook("STRAVA")}?hub.challenge=${encodeURIComponent("<script>")}&hub.verify_token=${t.secrets.verifyToken}`);
      expect(json.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await json.json()).toEqual({ "hub.challenge": "<script>" });
    });
  });
});
