import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import type { HttpSpec } from "@tributary/schemas";
import { budgetScripts } from "../../src/provider-http/budget-scripts.ts";
import { budgetKeyBase } from "../../src/queue/redis-keys.ts";
import { providerBudget } from "../../src/provider-http/provider-budget.ts";
import { waitShare } from "../../src/provider-http/request-stats.ts";
import { createRequestBudget, type RequestBudget } from "../../src/mock-provider/request-budget.ts";
import { systemClock } from "../../src/mock-provider/clock.ts";
import type { ProviderTransport } from "../../src/provider-http/transport.ts";
import { createUndiciTransport } from "../../src/provider-http/undici-transport.ts";
import { providerWait, specBudget } from "@tributary/test-kit";
import { clientFor, reply, specFor, startMockProvider, testRedis, uniquePrefix, type MockProvider } from "./helpers.ts";

/** Rate-limit headers the mock answers with, per test key. */
const answerHeaders = new Map<string, Record<string, string>>();
/** Providers that enforce their windows strictly, per test key: what they let in and what they refused. */
const strictProviders = new Map<string, { budget: RequestBudget; served: number; refused: number }>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const QUARTER_HOUR_MS = 900_000;
/** Clear of the next quarter-hour boundary: a test of an aligned window must not see it reset halfway. */
const awayFromQuarterHour = async () => {
  const left = QUARTER_HOUR_MS - (Date.now() % QUARTER_HOUR_MS);
  if (left < 5000) await sleep(left + 50);
};

describe("rate budget per request: windows per client and per user, fed by the provider's headers", () => {
  let provider: MockProvider;
  let redis: Redis;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = testRedis();
    provider = await startMockProvider((app) => {
      app.get("/data/:key", async (request, response) => {
        const { key } = request.params as { key: string };
        return reply(response, 200, { ok: true }, answerHeaders.get(key) ?? {});
      });
      app.get("/throttle/:key", async (_request, response) => reply(response, 429, {}, { "retry-after": "120" }));
      // Counted the moment it arrives, answered a little later, as a provider does.
      app.get("/strict/:key", async (request, response) => {
        const strict = strictProviders.get((request.params as { key: string }).key)!;
        const decision = strict.budget.take({ clientId: "one-client" });
        await sleep(Math.random() * 30);
        if (!decision.allowed) {
          strict.refused += 1;
          return reply(response, 429, {}, { "retry-after": String(decision.retryAfterSeconds) });
        }
        strict.served += 1;
        return reply(response, 200, { ok: true });
      });
    });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    redis?.disconnect();
    await provider?.close();
  });

  const setup = (http: Partial<HttpSpec>, options: Parameters<typeof clientFor>[1] = {}) => {
    const prefix = uniquePrefix();
    const made = clientFor(specFor(provider.url, http), { redis, prefix, ...options });
    closers.push(made.close);
    return { client: made.client, prefix };
  };
  const get = (key: string) => ({ path: `/data/${key}` });

  it("every request takes from the client window; past max, a ProviderWaitError names the window and nothing is sent", async () => {
    const { client } = setup({ rateLimits: [{ name: "minute", scope: "client", max: 3, perSeconds: 60 }] });
    const session = client.session({ userId: "user-a" });
    for (let i = 0; i < 3; i += 1) await session.send(get("sliding"));
    const sent = provider.requests.length;
    const wait = await providerWait(client.session({ userId: "user-b" }).send(get("sliding")));
    expect(wait).toMatchObject({ reason: "budget", code: "ERR_PROVIDER_RATE_LIMITED", details: { window: "minute" } });
    expect(wait.retryAfterMs).toBeGreaterThan(55_000);
    expect(wait.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(provider.requests.length).toBe(sent);
  });

  it("a short wait for the budget is slept in-process and counted in the wait share", async () => {
    const waits: { ms: number; reason: string }[] = [];
    const { client } = setup(
      { rateLimits: [{ scope: "client", max: 2, perSeconds: 1 }] },
      { maxInProcessWaitMs: 1200, onWait: (ms, reason) => waits.push({ ms, reason }) },
    );
    const session = client.session();
    const started = Date.now();
    for (let i = 0; i < 5; i += 1) await session.send(get("short"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(session.stats.budgetWaits).toBeGreaterThanOrEqual(2);
    // Every wait is reported, as what it waited for and for as long as the session counted.
    expect(waits.length).toBe(session.stats.budgetWaits);
    expect(new Set(waits.map((w) => w.reason))).toEqual(new Set(["budget"]));
    expect(waits.reduce((sum, w) => sum + w.ms, 0)).toBe(session.stats.waitedMs);
    expect(session.stats.waitedMs).toBeGreaterThan(1500);
    expect(waitShare(session.stats)).toBeGreaterThan(0.5);
  });

  it("per-user windows: one user's spent budget does not stop another", async () => {
    const { client } = setup({ rateLimits: [{ name: "hourly", scope: "user", max: 2, perSeconds: 3600 }] });
    const alice = client.session({ userId: "alice" });
    await alice.send(get("user"));
    await alice.send(get("user"));
    expect((await providerWait(alice.send(get("user")))).details).toMatchObject({ window: "hourly" });
    await client.session({ userId: "bob" }).send(get("user"));
  });

  it("aligned windows reset at multiples of their length (Strava's quarter hours), not a window after the first grant", async () => {
    const { client } = setup({ rateLimits: [{ name: "15min", scope: "client", max: 1, perSeconds: 900, aligned: true }] });
    await awayFromQuarterHour();
    await client.session().send(get("aligned"));
    const wait = await providerWait(client.session().send(get("aligned")));
    const toBoundary = QUARTER_HOUR_MS - (Date.now() % QUARTER_HOUR_MS);
    expect(Math.abs(wait.retryAfterMs - toBoundary)).toBeLessThan(2000);
  });

  it("Strava X-RateLimit-Usage/Limit pairs: the provider's count fills our aligned windows", async () => {
    const http: Partial<HttpSpec> = {
      rateLimits: [
        { name: "15min", scope: "client", max: 200, perSeconds: 900, aligned: true },
        { name: "daily", scope: "client", max: 2000, perSeconds: 86_400, aligned: true },
      ],
      rateLimitHeaders: { usage: "X-RateLimit-Usage", limit: "X-RateLimit-Limit" },
    };
    answerHeaders.set("strava", { "x-ratelimit-usage": "200,340", "x-ratelimit-limit": "200,2000" });
    const { client } = setup(http);
    await awayFromQuarterHour();
    await client.session().send(get("strava"));
    const wait = await providerWait(client.session().send(get("strava")));
    expect(wait.details).toMatchObject({ window: "15min" });
    expect(Math.abs(wait.retryAfterMs - (QUARTER_HOUR_MS - (Date.now() % QUARTER_HOUR_MS)))).toBeLessThan(2000);
  });

  it("limits the provider announces replace the spec's (an upgraded Strava app)", async () => {
    answerHeaders.set("upgraded", { "x-ratelimit-usage": "1,1", "x-ratelimit-limit": "4,2000" });
    const { client } = setup({
      rateLimits: [{ name: "15min", scope: "client", max: 2, perSeconds: 900, aligned: true }],
      rateLimitHeaders: { usage: "X-RateLimit-Usage", limit: "X-RateLimit-Limit", windows: ["15min"] },
    });
    const session = client.session();
    await awayFromQuarterHour();
    for (let i = 0; i < 4; i += 1) await session.send(get("upgraded"));
    await providerWait(session.send(get("upgraded")));
  });

  it("WHOOP X-RateLimit-Remaining/Reset: nothing left means waiting until the provider's reset", async () => {
    answerHeaders.set("whoop", { "x-ratelimit-limit": "100, 100;window=60, 10000;window=86400", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3" });
    const { client } = setup({
      rateLimits: [
        { name: "minute", scope: "client", max: 100, perSeconds: 60 },
        { name: "day", scope: "client", max: 10_000, perSeconds: 86_400 },
      ],
      rateLimitHeaders: { limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset" },
    });
    await client.session().send(get("whoop"));
    const wait = await providerWait(client.session().send(get("whoop")));
    expect(wait.details).toMatchObject({ window: "minute" });
    expect(wait.retryAfterMs).toBeGreaterThan(1500);
    expect(wait.retryAfterMs).toBeLessThanOrEqual(3000);
  });

  it("Fitbit-Rate-Limit-* headers describe the user's window: that user waits, others do not", async () => {
    answerHeaders.set("fitbit", { "fitbit-rate-limit-limit": "150", "fitbit-rate-limit-remaining": "0", "fitbit-rate-limit-reset": "120" });
    const { client } = setup({
      rateLimits: [{ name: "hourly", scope: "user", max: 150, perSeconds: 3600, aligned: true }],
      rateLimitHeaders: { limit: "Fitbit-Rate-Limit-Limit", remaining: "Fitbit-Rate-Limit-Remaining", reset: "Fitbit-Rate-Limit-Reset", scope: "user" },
    });
    await client.session({ userId: "carol" }).send(get("fitbit"));
    const wait = await providerWait(client.session({ userId: "carol" }).send(get("fitbit")));
    expect(wait.details).toMatchObject({ window: "hourly" });
    answerHeaders.set("fitbit", {});
    await client.session({ userId: "dave" }).send(get("fitbit"));
  });

  it("a 429 blocks the client — or only the user when every declared limit is per user", async () => {
    const perUser = setup({ rateLimits: [{ scope: "user", max: 150, perSeconds: 3600 }] }).client;
    await providerWait(perUser.session({ userId: "erin" }).send({ path: "/throttle/x" }));
    expect((await providerWait(perUser.session({ userId: "erin" }).send(get("u")))).details).toMatchObject({ window: "blocked" });
    await perUser.session({ userId: "frank" }).send(get("u"));

    const perClient = setup({ rateLimits: [{ scope: "client", max: 100, perSeconds: 60 }] }).client;
    await providerWait(perClient.session({ userId: "erin" }).send({ path: "/throttle/x" }));
    const blocked = await providerWait(perClient.session({ userId: "frank" }).send(get("c")));
    expect(blocked.retryAfterMs).toBeGreaterThan(100_000);
  });

  it("the operator's rateLimit is one more client window, and a 429 seen here pauses the legacy per-provider budget too", async () => {
    const { client } = setup({}, { budgetOptions: { operatorLimit: { max: 1, perSeconds: 60 } } });
    await client.session().send(get("operator"));
    expect((await providerWait(client.session().send(get("operator")))).details).toMatchObject({ window: "configured" });

    const { client: other, prefix } = setup({}, { budgetOptions: { clientId: "app-1" } });
    const legacyBlock = `${budgetKeyBase(prefix, "MOCKPROV", "app-1")}:blocked`;
    expect((await budgetScripts(redis).acquire({ blocks: [legacyBlock], windows: [] })).ok).toBe(true);
    await providerWait(other.session().send({ path: "/throttle/y" }));
    expect((await budgetScripts(redis).acquire({ blocks: [legacyBlock], windows: [] })).ok).toBe(false);
  });

  it("concurrent takes never overdraw a window (one atomic script across windows)", async () => {
    const budget = specBudget(redis, {
      name: "RACE",
      http: {
        rateLimits: [
          { name: "a", scope: "client", max: 7, perSeconds: 60 },
          { name: "b", scope: "user", max: 5, perSeconds: 60, aligned: true },
        ],
      },
    });
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => budget.acquire(i % 2 === 0 ? "even" : "odd")));
    expect(decisions.filter((d) => d.ok)).toHaveLength(7);
    // Neither user got more than its own window's 5.
    const granted = decisions.map((d, i) => (d.ok ? i % 2 : -1)).filter((u) => u >= 0);
    expect(granted.filter((u) => u === 0).length).toBeLessThanOrEqual(5);
    expect(granted.filter((u) => u === 1).length).toBeLessThanOrEqual(5);
  });

  it.each([
    // Requests reach the provider up to 40 ms after their grant (a slow network, a busy event loop).
    { kind: "sliding", aligned: false, delayMs: () => Math.random() * 40 },
    // Granted just before a second ends, they arrive in the next one, which the provider counts them in.
    { kind: "aligned", aligned: true, delayMs: () => 80 },
  ])(
    "a provider enforcing two $kind windows strictly never answers 429 to the budgeted client, however late requests arrive",
    async ({ kind, aligned, delayMs }) => {
      const windows = [
        { name: "short", scope: "client" as const, max: 3, perSeconds: 1, aligned },
        { name: "long", scope: "client" as const, max: 7, perSeconds: 3, aligned },
      ];
      const strict = { budget: createRequestBudget({ windows, clock: systemClock }), served: 0, refused: 0 };
      strictProviders.set(kind, strict);
      const undici = createUndiciTransport();
      closers.push(() => undici.close());
      const transport: ProviderTransport = async (request) => {
        await sleep(delayMs());
        return undici(request);
      };
      const { client } = setup({ rateLimits: windows, timeoutMs: 2000 }, { transport, maxInProcessWaitMs: 10_000 });
      if (aligned) await sleep(1950 - (Date.now() % 1000));
      let left = 21;
      await Promise.all(
        Array.from({ length: 5 }, async () => {
          const session = client.session();
          while (left > 0) {
            left -= 1;
            await session.send({ path: `/strict/${kind}` });
          }
        }),
      );
      expect(strict).toMatchObject({ served: 21, refused: 0 });
      // The windows did bind: requests waited for them.
      expect(client.stats.budgetWaits).toBeGreaterThan(0);
    },
    60_000,
  );

  it("spec mistakes in rate limits are named", () => {
    expect(() =>
      providerBudget({
        redis,
        prefix: "p",
        provider: "X",
        rateLimits: [
          { name: "a", scope: "client", max: 1, perSeconds: 1 },
          { name: "a", scope: "user", max: 1, perSeconds: 1 },
        ],
      }),
    ).toThrow(/two http.rateLimits are named "a"/);
    expect(() => providerBudget({ redis, prefix: "p", provider: "X", rateLimits: [], rateLimitHeaders: { usage: "u", windows: ["nope"] } })).toThrow(/"nope"/);
    expect(() => providerBudget({ redis, prefix: "p", provider: "X", operatorLimit: { max: 0, perSeconds: 1 } })).toThrow(/providers.X.rateLimit/);
  });
});
