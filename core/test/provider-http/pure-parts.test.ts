import { describe, expect, it } from "vitest";
import { createOriginPolicy } from "../../src/provider-http/origin-policy.ts";
import { readRateLimitHeaders, type HeaderWindow } from "../../src/provider-http/rate-limit-headers.ts";
import { renderRequest, encodeBody } from "../../src/provider-http/render-request.ts";
import { compileResponseRules, type ResponseView } from "../../src/provider-http/response-rules.ts";
import { retryAfterMs } from "../../src/provider-http/retry-after.ts";
import { bodySnippet } from "../../src/provider-http/answer.ts";

const view = (status: number, body: unknown = null, headers: Record<string, string> = {}): ResponseView => ({
  status,
  headers,
  json: () => body,
  text: () => (typeof body === "string" ? body : JSON.stringify(body)),
});

describe("Retry-After in its spellings", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  it("delta seconds, whole and decimal", () => {
    expect(retryAfterMs({ "retry-after": "120" }, {}, now)).toBe(120_000);
    expect(retryAfterMs({ "retry-after": " 1.5 " }, {}, now)).toBe(1500);
    expect(retryAfterMs({ "retry-after": "0" }, {}, now)).toBe(0);
  });
  it("HTTP-date (IMF-fixdate, and the obsolete RFC 850 form), past dates mean now", () => {
    expect(retryAfterMs({ "retry-after": "Sun, 01 Mar 2026 12:00:30 GMT" }, {}, now)).toBe(30_000);
    expect(retryAfterMs({ "retry-after": "Sunday, 01-Mar-26 12:01:00 GMT" }, {}, now)).toBe(60_000);
    expect(retryAfterMs({ "retry-after": "Sun, 01 Mar 2026 11:00:00 GMT" }, {}, now)).toBe(0);
  });
  it("retry-after-ms, a named header, ms and epoch units; nonsense is no answer", () => {
    expect(retryAfterMs({ "retry-after-ms": "250" }, {}, now)).toBe(250);
    expect(retryAfterMs({ "x-wait": "5" }, { header: "X-Wait" }, now)).toBe(5000);
    expect(retryAfterMs({ "x-wait": "700" }, { header: "X-Wait", unit: "ms" }, now)).toBe(700);
    expect(retryAfterMs({ "x-reset": String(now / 1000 + 42) }, { header: "x-reset", unit: "epoch_seconds" }, now)).toBe(42_000);
    expect(retryAfterMs({ "retry-after": "soon" }, {}, now)).toBeUndefined();
    expect(retryAfterMs({}, {}, now)).toBeUndefined();
  });
});

describe("the response → action table", () => {
  it("defaults: 2xx success, 401 refresh, 429 rate_limited, 408/5xx retry, redirects with Location, other answers fail", () => {
    const decide = compileResponseRules();
    expect(decide(view(200)).action).toBe("success");
    expect(decide(view(204)).action).toBe("success");
    expect(decide(view(401)).action).toBe("refresh");
    expect(decide(view(429)).action).toBe("rate_limited");
    expect(decide(view(408)).action).toBe("retry");
    expect(decide(view(503)).action).toBe("retry");
    expect(decide(view(302, null, { location: "/x" })).action).toBe("redirect");
    expect(decide(view(302)).action).toBe("fail");
    expect(decide(view(304)).action).toBe("fail");
    for (const status of [400, 403, 404, 409, 422]) expect(decide(view(status)).action).toBe("fail");
  });

  it("spec rows first, in order; status numbers, classes, ranges and lists; body values compared as text across number/string", () => {
    const decide = compileResponseRules([
      { status: 404, action: "ignore" },
      { status: ["4xx"], bodyPath: "/errors/0/code", equals: ["invalid"], action: "revoked" },
      { status: "500-502", action: "fail", message: "broken" },
      { bodyPath: "/status", equals: ["0"], action: "success" },
      { bodyPath: "/status", equals: [401, 100], action: "refresh" },
      { bodyPath: "/status", equals: [601], action: "rate_limited" },
      { bodyPath: "/error", action: "fail" },
      { contains: "maintenance", action: "retry" },
    ]);
    expect(decide(view(404)).action).toBe("ignore");
    expect(decide(view(400, { errors: [{ code: "invalid" }] })).action).toBe("revoked");
    expect(decide(view(400, { errors: [{ code: "other" }] })).action).toBe("fail");
    expect(decide(view(501))).toMatchObject({ action: "fail", rule: { message: "broken" } });
    expect(decide(view(503)).action).toBe("retry");
    expect(decide(view(200, { status: 0, body: {} })).action).toBe("success");
    expect(decide(view(200, { status: "401" })).action).toBe("refresh");
    expect(decide(view(200, { status: 601 })).action).toBe("rate_limited");
    expect(decide(view(200, { status: 2554, error: "Invalid params" })).action).toBe("fail");
    expect(decide(view(200, { status: 2554, error: null })).action).toBe("success");
    expect(decide(view(200, "down for maintenance")).action).toBe("retry");
  });

  it("a rule that would match everything, or compares without a field, is a spec error", () => {
    expect(() => compileResponseRules([{ action: "ignore" }])).toThrow(/http\.responses\[0\]/);
    expect(() => compileResponseRules([{ status: 200 }, { equals: [1], action: "fail" }] as never)).toThrow(/responses\[1\].*bodyPath/);
    expect(() => compileResponseRules([{ status: "600-100", action: "fail" }])).toThrow(/status/);
  });
});

describe("rate-limit headers", () => {
  const strava: HeaderWindow[] = [
    { name: "15min", scope: "client", perSeconds: 900 },
    { name: "daily", scope: "client", perSeconds: 86_400 },
    { name: "read_15min", scope: "client", perSeconds: 900 },
    { name: "read_daily", scope: "client", perSeconds: 86_400 },
  ];
  it("Strava's usage/limit pairs map in order to the windows each header set names", () => {
    const readings = readRateLimitHeaders(
      [
        { usage: "X-RateLimit-Usage", limit: "X-RateLimit-Limit", windows: ["15min", "daily"] },
        { usage: "X-ReadRateLimit-Usage", limit: "X-ReadRateLimit-Limit", windows: ["read_15min", "read_daily"] },
      ],
      strava,
      { "x-ratelimit-usage": "12,340", "x-ratelimit-limit": "200,2000", "x-readratelimit-usage": "7,100", "x-readratelimit-limit": "100,1000" },
    );
    expect(readings).toEqual([
      { window: 0, used: 12, limit: 200 },
      { window: 1, used: 340, limit: 2000 },
      { window: 2, used: 7, limit: 100 },
      { window: 3, used: 100, limit: 1000 },
    ]);
  });

  it("WHOOP: policies in the limit header match windows by length; remaining/reset go to the first window", () => {
    const whoop: HeaderWindow[] = [
      { name: "minute", scope: "client", perSeconds: 60 },
      { name: "day", scope: "client", perSeconds: 86_400 },
    ];
    const readings = readRateLimitHeaders([{ limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset" }], whoop, {
      "x-ratelimit-limit": "100, 100;window=60, 10000;window=86400",
      "x-ratelimit-remaining": "98",
      "x-ratelimit-reset": "3",
    });
    expect(readings).toEqual([
      { window: 0, remaining: 98, resetMs: 3000, limit: 100 },
      { window: 1, limit: 10_000 },
    ]);
  });

  it("Fitbit: per-user headers describe the user windows only; epoch and ms resets", () => {
    const windows: HeaderWindow[] = [
      { name: "client", scope: "client", perSeconds: 3600 },
      { name: "hourly", scope: "user", perSeconds: 3600 },
    ];
    const headers = { "fitbit-rate-limit-limit": "150", "fitbit-rate-limit-remaining": "0", "fitbit-rate-limit-reset": "1200" };
    expect(
      readRateLimitHeaders(
        [{ limit: "Fitbit-Rate-Limit-Limit", remaining: "Fitbit-Rate-Limit-Remaining", reset: "Fitbit-Rate-Limit-Reset", scope: "user" }],
        windows,
        headers,
      ),
    ).toEqual([{ window: 1, limit: 150, remaining: 0, resetMs: 1_200_000 }]);
    const now = 1_700_000_000_000;
    expect(readRateLimitHeaders([{ reset: "r", resetUnit: "epoch_seconds" }], windows, { r: String(now / 1000 + 9) }, now)).toEqual([
      { window: 0, resetMs: 9000 },
    ]);
    expect(readRateLimitHeaders([{ reset: "r", resetUnit: "ms" }], windows, { r: "250" }, now)).toEqual([{ window: 0, resetMs: 250 }]);
    expect(readRateLimitHeaders([{ remaining: "r" }], windows, { r: "lots" }, now)).toEqual([]);
  });
});

describe("origin policy (SSRF)", () => {
  const policy = createOriginPolicy({ provider: "ACME", specBaseUrl: "https://api.acme.test/v2", allowedOrigins: ["https://cdn.acme.test"] });

  it("paths hang below the base URL, absolute URLs must be on an allowed origin", () => {
    expect(policy.resolve("/users/1").href).toBe("https://api.acme.test/v2/users/1");
    expect(policy.resolve("users/1?x=1").href).toBe("https://api.acme.test/v2/users/1?x=1");
    expect(policy.resolve("https://api.acme.test/other").href).toBe("https://api.acme.test/other");
    expect(policy.resolve("https://cdn.acme.test/f.fit").href).toBe("https://cdn.acme.test/f.fit");
    expect(policy.resolve("?page=2", new URL("https://api.acme.test/v2/list")).href).toBe("https://api.acme.test/v2/list?page=2");
  });

  it.each([
    "https://evil.test/steal",
    "http://api.acme.test/v2/x", // another scheme is another origin
    "https://api.acme.test:8443/x",
    "https://user:pw@api.acme.test/x",
    "//evil.test/x",
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data",
    "https://api.acme.test.evil.test/x",
  ])("refuses %s", (url) => {
    expect(() => policy.resolve(url)).toThrow(expect.objectContaining({ code: "ERR_PROVIDER_URL_REFUSED" }));
  });

  it("a relative link cannot leave the origin either", () => {
    expect(() => policy.resolve("//evil.test/x", new URL("https://api.acme.test/v2/list"))).toThrow(/refused/);
  });

  it("an operator's base URL override replaces the base, and the spec's own absolute URLs move onto it", () => {
    const overridden = createOriginPolicy({ provider: "ACME", specBaseUrl: "https://api.acme.test/v2", overrideBaseUrl: "http://127.0.0.1:9999/mock/acme" });
    expect(overridden.resolve("/users").href).toBe("http://127.0.0.1:9999/mock/acme/users");
    expect(overridden.resolve("https://api.acme.test/v2/users?page=2").href).toBe("http://127.0.0.1:9999/mock/acme/users?page=2");
    expect(overridden.resolve("https://api.acme.test/oauth/x").href).toBe("http://127.0.0.1:9999/oauth/x");
    expect(() => overridden.resolve("https://evil.test/")).toThrow(/refused/);
  });

  it("bad base URLs and allowed origins are spec errors", () => {
    expect(() => createOriginPolicy({ provider: "A", specBaseUrl: "api.acme.test" })).toThrow(expect.objectContaining({ code: "ERR_SPEC_INVALID" }));
    expect(() => createOriginPolicy({ provider: "A", specBaseUrl: "ftp://x.test" })).toThrow(/http/);
    expect(() => createOriginPolicy({ provider: "A", specBaseUrl: "https://x.test", allowedOrigins: ["cdn"] })).toThrow(/allowedOrigins/);
  });
});

describe("request rendering", () => {
  const policy = createOriginPolicy({ provider: "ACME", specBaseUrl: "https://api.acme.test" });
  const vars = { provider_user_id: "u/1", start: "2024-01-01", end: "", record: { id: 7, ride: { id: "r 1" } }, options: { region: "eu" }, count: 25 };

  it("path variables are percent-encoded (no extra segments, no climbing), empty query values are left out, headers lower-cased", () => {
    const prepared = renderRequest(
      {
        path: "/api/user/{provider_user_id}/workouts/{record.ride.id}",
        query: { from: "{start}", to: "{end}", region: "{options.region}" },
        headers: { "X-Trace": "t-{record.id}" },
      },
      vars,
      policy,
      { "Peloton-Platform": "web" },
    );
    expect(prepared.url.href).toBe("https://api.acme.test/api/user/u%2F1/workouts/r%201?from=2024-01-01&region=eu");
    expect(prepared.headers).toEqual({ "peloton-platform": "web", "x-trace": "t-7" });
    expect(prepared).toMatchObject({ method: "GET", auth: "user", label: "GET /api/user/{provider_user_id}/workouts/{record.ride.id}" });
    for (const id of ["..", "."]) expect(() => renderRequest({ path: "/w/{record.id}" }, { record: { id } }, policy)).toThrow(/climb/);
    expect(renderRequest({ path: "/w/{record.id}" }, { record: { id: "a..b" } }, policy).url.pathname).toBe("/w/a..b");
  });

  it("form bodies (Withings) drop empty fields; JSON bodies keep a lone placeholder's type", () => {
    const form = renderRequest(
      {
        method: "POST",
        path: "/measure",
        bodyEncoding: "form",
        body: { action: "getmeas", meastype: "1,6,8", startdate: "{start}", lastupdate: "{end}", category: 1 },
      },
      vars,
      policy,
    );
    expect(encodeBody(form.body!)).toEqual({
      contentType: "application/x-www-form-urlencoded",
      bytes: "action=getmeas&meastype=1%2C6%2C8&startdate=2024-01-01&category=1",
    });
    const json = renderRequest(
      { method: "POST", path: "/q", body: { limit: "{count}", user: "id-{record.id}", nested: [{ r: "{record.ride}" }], flag: true } },
      vars,
      policy,
    );
    expect(json.body).toEqual({ encoding: "json", value: { limit: 25, user: "id-7", nested: [{ r: { id: "r 1" } }], flag: true } });
  });

  it("missing variables, bodies on GET and header line breaks are errors that name the template", () => {
    expect(() => renderRequest({ path: "/x/{object_id}" }, {}, policy)).toThrow(expect.objectContaining({ code: "ERR_TEMPLATE_VARIABLE" }));
    expect(() => renderRequest({ path: "/x", body: { a: 1 } }, {}, policy)).toThrow(/GET cannot carry/);
    expect(() => renderRequest({ path: "/x", headers: { a: "{v}" } }, { v: "1\r\nx-injected: 1" }, policy)).toThrow(/line break/);
    expect(() => renderRequest({ path: "https://evil.test/{v}" }, { v: 1 }, policy)).toThrow(/refused/);
  });
});

describe("error body snippets", () => {
  it("cut credentials out of provider error bodies, and keep the ids they name", () => {
    const snippet = bodySnippet('{"errors":[{"errorType":"expired_token","message":"Access token expired: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abc"}]}');
    expect(snippet).not.toContain("eyJhbGci");
    expect(snippet).toContain("expired_token");
    expect(bodySnippet("x".repeat(1000)).length).toBeLessThan(320);
    const missing = '{"detail":"Document 0f8fad5b-d9cb-469f-a165-70867728950e not found","seen":"a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"}';
    expect(bodySnippet(missing)).toBe(missing);
    // The credential the request carried goes by value, whatever its shape; one the cut would split goes whole.
    expect(bodySnippet(`${"x".repeat(290)} sent a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6`, ["a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"])).toBe(`${"x".repeat(290)} sent [red…`);
  });
});
