import { describe, expect, it } from "vitest";
import { rateLimitedWaitMs } from "../../src/provider-http/rate-limited-wait.ts";

// 2026-03-10T10:07:00Z: 8 minutes before Strava's next quarter hour, 13 h 53 min before midnight UTC.
const NOW = Date.parse("2026-03-10T10:07:00Z");

const strava = {
  rateLimits: [
    { name: "read_15min", scope: "client" as const, max: 100, perSeconds: 900, aligned: true },
    { name: "read_daily", scope: "client" as const, max: 1000, perSeconds: 86400, aligned: true },
  ],
  rateLimitHeaders: { limit: "X-ReadRateLimit-Limit", usage: "X-ReadRateLimit-Usage", windows: ["read_15min", "read_daily"] },
};
const whoop = {
  rateLimits: [
    { name: "minute", scope: "client" as const, max: 100, perSeconds: 60 },
    { name: "day", scope: "client" as const, max: 10000, perSeconds: 86400 },
  ],
  rateLimitHeaders: { limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset", windows: ["minute"] },
};
const wahoo = {
  rateLimits: [
    { name: "five_minutes", scope: "client" as const, max: 200, perSeconds: 300 },
    { name: "hour", scope: "client" as const, max: 1000, perSeconds: 3600 },
  ],
};

describe("how long a rate-limited request waits", () => {
  it("the provider's Retry-After first, whatever the headers say", () => {
    expect(rateLimitedWaitMs(strava, { "retry-after": "7", "x-readratelimit-usage": "100,200", "x-readratelimit-limit": "100,1000" }, undefined, NOW)).toBe(
      7000,
    );
  });

  it("Strava (no Retry-After): the spent aligned window's next boundary, plus a second", () => {
    expect(rateLimitedWaitMs(strava, { "x-readratelimit-limit": "100,1000", "x-readratelimit-usage": "101,200" }, undefined, NOW)).toBe(8 * 60_000 + 1000);
    // The daily limit spent too: midnight UTC.
    expect(rateLimitedWaitMs(strava, { "x-readratelimit-limit": "100,1000", "x-readratelimit-usage": "101,1000" }, undefined, NOW)).toBe(
      (13 * 60 + 53) * 60_000 + 1000,
    );
    // A raised limit the headers announce counts, not the declared one.
    expect(rateLimitedWaitMs(strava, { "x-readratelimit-limit": "600,6000", "x-readratelimit-usage": "600,2000" }, undefined, NOW)).toBe(8 * 60_000 + 1000);
  });

  it("WHOOP (no Retry-After): the reset its headers give for the spent window", () => {
    expect(
      rateLimitedWaitMs(
        whoop,
        { "x-ratelimit-limit": "100, 100;window=60, 10000;window=86400", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "23" },
        undefined,
        NOW,
      ),
    ).toBe(23_000);
  });

  it("headers that report nothing spent, or no headers: the rule's default, else the shortest window", () => {
    const rule = { status: 429, action: "rate_limited" as const, retryAfter: { defaultSeconds: 90 } };
    expect(rateLimitedWaitMs(whoop, { "x-ratelimit-remaining": "40", "x-ratelimit-reset": "23" }, rule, NOW)).toBe(90_000);
    // Wahoo says nothing: its five-minute window, whole.
    expect(rateLimitedWaitMs(wahoo, {}, undefined, NOW)).toBe(300_000);
    // Strava without headers: the next quarter hour.
    expect(rateLimitedWaitMs({ rateLimits: strava.rateLimits }, {}, undefined, NOW)).toBe(8 * 60_000 + 1000);
  });

  it("nothing said, nothing declared: a minute", () => {
    expect(rateLimitedWaitMs({}, {}, undefined, NOW)).toBe(60_000);
  });
});
