import { describe, expect, it, onTestFinished } from "vitest";
import { createMockApp, createRequestBudget, ERROR_SHAPES, manualClock, sendAnswer, type BudgetHeaders, type BudgetWindow } from "../index.ts";

/** A data route behind a budget, keyed by the `x-client` and `x-user` headers, answering 429 Strava's way. */
async function start(windows: BudgetWindow[], headers?: BudgetHeaders, startMs = Date.UTC(2026, 0, 1, 10, 0, 0)) {
  const clock = manualClock(startMs);
  const budget = createRequestBudget({ windows, clock, ...(headers ? { headers } : {}) });
  const mock = createMockApp();
  mock.app.get("/data", async (request, reply) => {
    const decision = budget.take({ clientId: String(request.headers["x-client"] ?? "c1"), userId: String(request.headers["x-user"] ?? "u1") });
    if (!decision.allowed) {
      const answer = ERROR_SHAPES.strava("rate_limited", { message: "slow down" });
      return sendAnswer(reply, { ...answer, headers: { ...decision.headers, "retry-after": String(decision.retryAfterSeconds) } });
    }
    return reply.headers(decision.headers).send({ ok: true });
  });
  const origin = await mock.listen();
  onTestFinished(() => mock.close());
  const get = async (user = "u1", client = "c1") => {
    const response = await fetch(`${origin}/data`, { headers: { "x-user": user, "x-client": client } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };
  return { clock, budget, get };
}

describe("request budgets", () => {
  it("answer 429 with Retry-After and the provider's body once a sliding window is spent, and let requests in as it slides", async () => {
    const { clock, get } = await start([{ scope: "client", max: 3, perSeconds: 60 }]);
    expect((await get()).status).toBe(200);
    clock.advance(20);
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("40");
    expect(refused.body).toMatchObject({ message: "Rate Limit Exceeded" });
    clock.advance(40);
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(429);
  });

  it("write only the named windows into the headers when the provider's headers speak of some (WHOOP's Remaining is its minute's)", async () => {
    const { get } = await start(
      [
        { name: "day", scope: "client", max: 10000, perSeconds: 86400 },
        { name: "minute", scope: "client", max: 100, perSeconds: 60 },
      ],
      { limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset", windows: ["minute"] },
    );
    const answer = await get();
    expect([answer.headers.get("x-ratelimit-limit"), answer.headers.get("x-ratelimit-remaining"), answer.headers.get("x-ratelimit-reset")]).toEqual([
      "100",
      "99",
      "60",
    ]);
  });

  it("count per user and per client: one user's spent window leaves others in, the client window is shared", async () => {
    const { get, budget } = await start([
      { scope: "user", max: 2, perSeconds: 3600 },
      { scope: "client", max: 3, perSeconds: 3600 },
    ]);
    expect((await get("a")).status).toBe(200);
    expect((await get("a")).status).toBe(200);
    expect((await get("a")).status).toBe(429);
    expect((await get("b")).status).toBe(200);
    expect((await get("c")).status).toBe(429);
    expect((await get("c", "other-client")).status).toBe(200);
    // Refused requests are not counted.
    expect(budget.usage({ clientId: "c1", userId: "a" })).toEqual([2, 3]);
  });

  it("reset aligned windows at multiples of their length (Strava's :00/:15/:30/:45)", async () => {
    const { clock, get } = await start([{ scope: "client", max: 1, perSeconds: 900, aligned: true }], undefined, Date.UTC(2026, 0, 1, 10, 14, 50));
    expect((await get()).status).toBe(200);
    const refused = await get();
    expect(refused.headers.get("retry-after")).toBe("10");
    clock.advance(10);
    expect((await get()).status).toBe(200);
  });

  it("wait for the window that frees last when several are spent", async () => {
    const { get } = await start([
      { scope: "client", max: 1, perSeconds: 60 },
      { scope: "client", max: 1, perSeconds: 86_400 },
    ]);
    await get();
    expect((await get()).headers.get("retry-after")).toBe("86400");
  });

  it("report what is left in the provider's own headers, in window order", async () => {
    const { get } = await start(
      [
        { scope: "client", max: 200, perSeconds: 900, aligned: true },
        { scope: "client", max: 2000, perSeconds: 86_400, aligned: true },
      ],
      { limit: "X-RateLimit-Limit", usage: "X-RateLimit-Usage" },
      Date.UTC(2026, 0, 1, 10, 0, 0),
    );
    await get();
    const second = await get();
    expect(second.headers.get("x-ratelimit-limit")).toBe("200,2000");
    expect(second.headers.get("x-ratelimit-usage")).toBe("2,2");

    const fitbit = await start(
      [{ scope: "user", max: 150, perSeconds: 3600, aligned: true }],
      { limit: "Fitbit-Rate-Limit-Limit", remaining: "Fitbit-Rate-Limit-Remaining", reset: "Fitbit-Rate-Limit-Reset", scope: "user" },
      Date.UTC(2026, 0, 1, 10, 59, 0),
    );
    const answer = await fitbit.get();
    expect([
      answer.headers.get("fitbit-rate-limit-limit"),
      answer.headers.get("fitbit-rate-limit-remaining"),
      answer.headers.get("fitbit-rate-limit-reset"),
    ]).toEqual(["150", "149", "60"]);
  });
});
