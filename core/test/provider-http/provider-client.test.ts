import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { freePort } from "@tributary/test-kit";
import { until } from "../../../test/kit/until.ts";
import { ErrorCodes } from "../../src/errors/codes.ts";
import { UserError } from "../../src/errors/tributary-error.ts";
import { ProviderAccessRevokedError, ProviderWaitError } from "../../src/provider-http/errors.ts";
import { waitShare } from "../../src/provider-http/request-stats.ts";
import { clientFor, dropKeys, fakeCredentials, reply, specFor, startMockProvider, testRedis, uniquePrefix, type MockProvider } from "./helpers.ts";

describe("ProviderClient: credentials, retries and the response → action table", () => {
  let provider: MockProvider;
  let redis: Redis;
  const prefixes: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  const hits = new Map<string, number>();
  let testsDone!: () => void;
  const afterTests = new Promise<void>((resolve) => {
    testsDone = resolve;
  });
  const hit = (name: string) => {
    const n = (hits.get(name) ?? 0) + 1;
    hits.set(name, n);
    return n;
  };

  beforeAll(async () => {
    redis = testRedis();
    provider = await startMockProvider((app) => {
      app.get("/me", async (request, response) => {
        hit("me");
        return request.headers.authorization === "Bearer token-2" ? { id: "u1" } : reply(response, 401, { message: "Authorization Error" });
      });
      app.get("/always-401", async (_request, response) => {
        hit("always-401");
        return reply(response, 401, { message: "no" });
      });
      app.get("/flaky", async (request, response) => {
        const n = hit(`flaky-${(request.query as Record<string, string>).k}`);
        return n <= 2 ? reply(response, 503, { error: "busy" }) : { ok: n };
      });
      app.get("/down", async (request, response) => {
        hit(`down-${(request.query as Record<string, string>).k}`);
        return reply(response, 500, { error: "down" });
      });
      // The first request of each key is answered only after the tests (a timeout or an abort is all that
      // can end it); later ones at once.
      app.get("/slow-once", async (request) => {
        const n = hit(`slow-${(request.query as Record<string, string>).k}`);
        if (n === 1) await afterTests;
        return { n };
      });
      app.get("/missing", async (_request, response) =>
        reply(response, 404, { message: "Record Not Found: token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig" }),
      );
      // A provider that quotes the object it could not find, and the credential it was sent (unnamed, not a JWT).
      app.get("/workouts/:id", async (request, response) =>
        reply(response, 404, {
          message: `Workout ${(request.params as { id: string }).id} not found for ${request.headers.authorization?.replace("Bearer ", "token ")}`,
          workout_token: "ELEMNT 3B21:412",
        }),
      );
      app.get("/lapsed", async (_request, response) => reply(response, 403, { detail: "membership_lapsed" }));
      app.get("/retry-after", async (request, response) => {
        const { k, wait } = request.query as Record<string, string>;
        return hit(`ra-${k}`) === 1 ? reply(response, 429, { message: "Rate Limit Exceeded" }, { "retry-after": wait! }) : { ok: true };
      });
      app.post("/withings", async (request, response) => {
        const token = request.headers.authorization;
        const { action } = request.body as Record<string, string>;
        if (action === "throttle") return reply(response, 200, { status: 601, body: {} });
        if (action === "broken") return reply(response, 200, { status: 2554, error: "invalid params" });
        return token === "Bearer token-2"
          ? { status: 0, body: { ok: true } }
          : { status: 401, body: {}, error: "XRequestError: Invalid Params: invalid access_token" };
      });
      app.get("/maintenance", async (_request, response) => reply(response, 503, { error: "maintenance" }, { "retry-after": "120" }));
      app.get("/old", async (_request, response) => response.redirect("/me", 302));
      app.post("/old-post", async (_request, response) => response.redirect("/echo", 303));
      app.get("/escape", async (_request, response) => response.redirect("http://169.254.169.254/latest/meta-data", 302));
      app.get("/echo", async (request) => ({ method: request.method, query: request.query, authorization: request.headers.authorization ?? null }));
      app.post("/echo", async (request) => ({
        method: request.method,
        body: request.body,
        type: request.headers["content-type"],
        authorization: request.headers.authorization ?? null,
      }));
    });
  });
  afterAll(async () => {
    testsDone();
    for (const close of closers) await close();
    for (const prefix of prefixes) await dropKeys(redis, prefix);
    redis?.disconnect();
    await provider?.close();
  });

  const setup = (http: Parameters<typeof specFor>[1] = {}, options: Parameters<typeof clientFor>[1] = {}) => {
    const made = clientFor(specFor(provider.url, http), options);
    closers.push(made.close);
    return made.client;
  };
  const seen = (path: string) => provider.requests.filter((r) => r.path === path);

  it("401 → Credentials.refresh() → the same request once more, with the new credentials", async () => {
    const credentials = fakeCredentials();
    const session = setup().session({ credentials });
    const answer = await session.send({ path: "/me" });
    expect(answer.body).toEqual({ id: "u1" });
    expect(credentials.refreshes).toBe(1);
    expect(
      seen("/me")
        .slice(-2)
        .map((r) => r.headers.authorization),
    ).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(session.stats).toMatchObject({ requests: 1, attempts: 2, refreshes: 1 });
  });

  it("a 401 after a refresh, or with nothing to refresh, is revoked access (ERR_AUTH_REVOKED, user class)", async () => {
    const refreshed = fakeCredentials();
    await expect(setup().session({ credentials: refreshed }).send({ path: "/always-401" })).rejects.toBeInstanceOf(ProviderAccessRevokedError);
    expect(refreshed.refreshes).toBe(1);
    const single = fakeCredentials(["only"]);
    await expect(setup().session({ credentials: single }).send({ path: "/always-401" })).rejects.toMatchObject({
      code: ErrorCodes.AUTH_REVOKED,
      errorClass: "user",
    });
    const refused = fakeCredentials(["a", "b"], { refuse: new UserError(ErrorCodes.AUTH_REVOKED, "refresh token refused") });
    await expect(setup().session({ credentials: refused }).send({ path: "/always-401" })).rejects.toThrow("refresh token refused");
  });

  it("many requests refused at once share one refresh", async () => {
    const credentials = fakeCredentials(["token-1", "token-2", "token-3"], { refreshDelayMs: 50 });
    const session = setup().session({ credentials });
    const answers = await Promise.all(Array.from({ length: 6 }, () => session.send({ path: "/me" })));
    expect(answers.every((a) => (a.body as { id: string }).id === "u1")).toBe(true);
    expect(credentials.refreshes).toBe(1);
  });

  it("5xx is retried with backoff and succeeds; a provider that stays down fails transiently after maxAttempts", async () => {
    const reasons: string[] = [];
    const session = setup({ maxAttempts: 3 }, { onWait: (_ms, reason) => reasons.push(reason) }).session();
    expect((await session.send({ path: "/flaky", query: { k: "a" } })).body).toEqual({ ok: 3 });
    expect(session.stats).toMatchObject({ attempts: 3, retries: 2 });
    expect(reasons).toEqual(["retry", "retry"]);
    await expect(
      setup({ maxAttempts: 2 })
        .session()
        .send({ path: "/down", query: { k: "b" } }),
    ).rejects.toMatchObject({
      code: ErrorCodes.PROVIDER_UNAVAILABLE,
      errorClass: "transient",
      details: { status: 500, attempts: 2 },
    });
    expect(hits.get("down-b")).toBe(2);
  });

  it("connection errors are retried up to maxAttempts, then fail transiently; an oversized answer fails at once", async () => {
    const port = await freePort();
    const made = clientFor(specFor(`http://127.0.0.1:${port}`, { maxAttempts: 2 }));
    closers.push(made.close);
    const session = made.client.session();
    await expect(session.send({ path: "/x" })).rejects.toMatchObject({
      code: ErrorCodes.PROVIDER_UNAVAILABLE,
      errorClass: "transient",
      details: { failure: "connection", attempts: 2 },
    });
    expect(session.stats).toMatchObject({ attempts: 2, retries: 1 });
    const small = setup({ maxResponseBytes: 10, maxAttempts: 3 }).session();
    await expect(small.send({ path: "/echo" })).rejects.toMatchObject({ code: ErrorCodes.PROVIDER_RESPONSE_TOO_LARGE, errorClass: "user" });
    expect(small.stats.attempts).toBe(1);
  });

  it("a timeout is retried like a 5xx", async () => {
    // A second to answer the retry: ample for a local answer on a busy machine.
    const session = setup({ timeoutMs: 1000, maxAttempts: 2 }).session();
    expect((await session.send({ path: "/slow-once", query: { k: "t" } })).body).toEqual({ n: 2 });
    await expect(
      setup({ timeoutMs: 100, maxAttempts: 1 })
        .session()
        .send({ path: "/slow-once", query: { k: "u" } }),
    ).rejects.toMatchObject({
      code: ErrorCodes.PROVIDER_UNAVAILABLE,
      details: { failure: "timeout" },
    });
  });

  it("404 and other 4xx fail for good, with the status and a body snippet without tokens", async () => {
    const failure = await setup()
      .session()
      .send({ path: "/missing" })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: ErrorCodes.PROVIDER_REQUEST_FAILED, errorClass: "user", details: { status: 404 } });
    expect((failure as Error).message).toContain("Record Not Found");
    expect((failure as Error).message).not.toContain("eyJhbGci");
  });

  it("a 4xx body snippet keeps the ids the provider names and loses the credential the request carried", async () => {
    const opaque = `opaque${randomBytes(16).toString("hex")}`;
    for (const id of ["0f8fad5b-d9cb-469f-a165-70867728950e", "x3b1f2-5f6a3c40-15180-6", "f3e7a1c0b9d84e2fa6c51d0e9b7a2c44"]) {
      const failure = await setup()
        .session({ credentials: fakeCredentials([opaque]) })
        .send({ path: `/workouts/${id}` })
        .then(() => new Error("the provider's 404 was taken for an answer"))
        .catch((error: unknown) => error as Error);
      expect(failure).toMatchObject({ code: ErrorCodes.PROVIDER_REQUEST_FAILED, details: { status: 404 } });
      expect(failure.message).toContain(`Workout ${id} not found for token [redacted]`);
      expect(failure.message).toContain('"workout_token":"ELEMNT 3B21:412"');
      expect(failure.message).not.toContain(opaque);
    }
  });

  it("spec rules come first: ignore (an empty answer) and revoked", async () => {
    const client = setup({
      responses: [
        { status: 404, action: "ignore" },
        { status: 403, bodyPath: "/detail", equals: ["membership_lapsed"], action: "revoked", message: "Oura membership lapsed" },
      ],
    });
    const ignored = await client.session().send({ path: "/missing" });
    expect(ignored).toMatchObject({ status: 404, ignored: true, body: null });
    await expect(client.session().send({ path: "/lapsed" })).rejects.toThrow(/revoked.*Oura membership lapsed/);
  });

  it("Withings-style errors in a 200 body: status rows refresh, rate-limit and fail", async () => {
    const http = {
      responses: [
        { bodyPath: "/status", equals: [0], action: "success" as const },
        { bodyPath: "/status", equals: [100, 101, 102, 200, 401], action: "refresh" as const },
        { bodyPath: "/status", equals: [601], action: "rate_limited" as const, retryAfter: { defaultSeconds: 60 } },
        { status: 200, bodyPath: "/status", action: "fail" as const, message: "Withings refused the request" },
      ],
    };
    const credentials = fakeCredentials();
    const request = (action: string) => ({ method: "POST" as const, path: "/withings", bodyEncoding: "form" as const, body: { action } });
    const session = setup(http).session({ credentials });
    expect((await session.send(request("getmeas"))).body).toEqual({ status: 0, body: { ok: true } });
    expect(credentials.refreshes).toBe(1);
    const throttled = await session.send(request("throttle")).catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(ProviderWaitError);
    expect(throttled).toMatchObject({ reason: "provider", retryAfterMs: 60_000 });
    await expect(session.send(request("broken"))).rejects.toThrow(/Withings refused the request/);
  });

  it("429 with a short Retry-After (seconds) is waited out in-process, without spending an attempt", async () => {
    const reasons: string[] = [];
    const session = setup({ maxAttempts: 1 }, { maxInProcessWaitMs: 1500, onWait: (_ms, reason) => reasons.push(reason) }).session();
    const started = Date.now();
    expect((await session.send({ path: "/retry-after", query: { k: "short", wait: "1" } })).body).toEqual({ ok: true });
    expect(reasons).toEqual(["provider"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(session.stats).toMatchObject({ rateLimited: 1, attempts: 2 });
    expect(session.stats.waitedMs).toBeGreaterThanOrEqual(950);
    expect(waitShare(session.stats)).toBeGreaterThan(0.5);
  });

  it("429 with a far Retry-After (an HTTP-date) becomes a ProviderWaitError and pauses the provider for every session", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const client = setup({}, { redis, prefix });
    const retryAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 30_000).toUTCString();
    const error = await client
      .session()
      .send({ path: "/retry-after", query: { k: "date", wait: retryAt } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderWaitError);
    expect((error as ProviderWaitError).retryAfterMs).toBeGreaterThan(25_000);
    expect((error as ProviderWaitError).retryAfterMs).toBeLessThanOrEqual(31_000);
    const before = provider.requests.length;
    const blocked = await client
      .session()
      .send({ path: "/me" })
      .catch((e: unknown) => e);
    expect(blocked).toMatchObject({ reason: "budget", code: ErrorCodes.PROVIDER_RATE_LIMITED });
    expect(provider.requests.length).toBe(before);
  });

  it("a 5xx whose Retry-After is long becomes a ProviderWaitError and pauses the provider, instead of burning attempts", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const client = setup({ maxAttempts: 5 }, { redis, prefix });
    const error = await client
      .session()
      .send({ path: "/maintenance" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "provider", retryAfterMs: 120_000, details: { status: 503 } });
    expect(seen("/maintenance")).toHaveLength(1);
    await expect(client.session().send({ path: "/maintenance" })).rejects.toMatchObject({ reason: "budget" });
    expect(seen("/maintenance")).toHaveLength(1);
  });

  it("redirects are followed on allowed origins only; 303 turns a POST into a GET", async () => {
    const credentials = fakeCredentials(["token-2"]);
    const session = setup().session({ credentials });
    expect((await session.send({ path: "/old" })).body).toEqual({ id: "u1" });
    expect((await session.send({ method: "POST", path: "/old-post", body: { a: 1 } })).body).toMatchObject({ method: "GET" });
    await expect(session.send({ path: "/escape" })).rejects.toMatchObject({ code: ErrorCodes.PROVIDER_URL_REFUSED });
  });

  it("absolute URLs outside the allowed origins are refused before anything is sent", async () => {
    const session = setup({ allowedOrigins: ["https://cdn.example.test"] }).session({ credentials: fakeCredentials() });
    const before = provider.requests.length;
    expect(() => session.prepareUrl("https://evil.example.test/steal")).toThrow(expect.objectContaining({ code: ErrorCodes.PROVIDER_URL_REFUSED }));
    await expect(session.send({ path: "https://evil.example.test/{x}" }, { x: 1 })).rejects.toMatchObject({ code: ErrorCodes.PROVIDER_URL_REFUSED });
    expect(provider.requests.length).toBe(before);
  });

  it("auth: client_basic sends the operator's client credentials, none sends nothing, {access_token} comes from the credentials", async () => {
    const client = setup({}, { settings: { clientId: "cid", clientSecret: "secret" } });
    const credentials = fakeCredentials();
    const session = client.session({ credentials });
    expect((await session.send({ path: "/echo", auth: "client_basic" })).body).toMatchObject({
      authorization: `Basic ${Buffer.from("cid:secret").toString("base64")}`,
    });
    expect((await session.send({ path: "/echo", auth: "none" })).body).toMatchObject({ authorization: null });
    expect(
      (await session.send({ method: "POST", path: "/echo", query: { access_token: "{access_token}" }, auth: "none", body: { client: "{client_id}" } })).body,
    ).toMatchObject({
      body: { client: "cid" },
      type: "application/json",
    });
    expect(seen("/echo").at(-1)?.query).toEqual({ access_token: "token-1" });
    await expect(setup().session().send({ path: "/echo", auth: "client_basic" })).rejects.toMatchObject({ code: ErrorCodes.CONFIG_INVALID });
  });

  it("the operator's base URL override wins, and the spec's absolute URLs are moved onto it", async () => {
    const made = clientFor(
      { name: "REAL", http: { baseUrl: "https://api.real.example/v1", headers: { "Peloton-Platform": "web" } } },
      { settings: { baseUrl: provider.url } },
    );
    closers.push(made.close);
    const session = made.client.session({ credentials: fakeCredentials(["token-2"]) });
    expect((await session.send({ path: "/me" })).body).toEqual({ id: "u1" });
    expect(seen("/me").at(-1)?.headers["peloton-platform"]).toBe("web");
    const answer = await session.execute(session.prepareUrl("https://api.real.example/v1/echo?x=1"));
    expect(answer.body).toMatchObject({ query: { x: "1" }, authorization: "Bearer token-2" });
  });

  it("the caller's abort stops the request and is not retried", async () => {
    const controller = new AbortController();
    const session = setup({ maxAttempts: 3 }).session({ signal: controller.signal });
    const pending = session.send({ path: "/slow-once", query: { k: "abort" } });
    // Aborted while the provider holds the request (it never answers the first).
    await until("the request to reach the provider", async () => (hits.get("slow-abort") === 1 ? true : undefined), 10_000);
    controller.abort(new Error("job cancelled"));
    await expect(pending).rejects.toThrow("job cancelled");
    expect(hits.get("slow-abort")).toBe(1);
  });
});
