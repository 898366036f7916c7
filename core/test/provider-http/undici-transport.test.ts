import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@tributary/test-kit";
import { createUndiciTransport } from "../../src/provider-http/undici-transport.ts";
import { startMockProvider, type MockProvider } from "./helpers.ts";

describe("undici transport", () => {
  let provider: MockProvider;
  let answerSlow!: () => void;
  const slowAnswered = new Promise<void>((resolve) => {
    answerSlow = resolve;
  });
  const transport = createUndiciTransport({ connectionsPerOrigin: 4 });
  const request = (path: string, extra: Partial<Parameters<typeof transport>[0]> = {}) =>
    transport({ method: "GET", url: `${provider.url}${path}`, headers: {}, timeoutMs: 2000, maxResponseBytes: 1024, ...extra });

  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      app.get("/ok", async (_request, reply) => reply.header("x-multi", ["a", "b"]).send({ ok: true }));
      app.post("/echo", async (request) => ({ body: request.body, type: request.headers["content-type"] }));
      // Answers only once the test lets it: a timeout seen here can only be the transport's own.
      app.get("/slow", async () => {
        await slowAnswered;
        return { late: true };
      });
      app.get("/big-declared", async (_request, reply) => reply.header("content-type", "application/json").send("x".repeat(5000)));
      app.get("/big-chunked", async (_request, reply) => {
        const { Readable } = await import("node:stream");
        return reply.header("content-type", "text/plain").send(
          Readable.from(
            (function* () {
              for (let i = 0; i < 50; i += 1) yield Buffer.alloc(100, 97);
            })(),
          ),
        );
      });
      app.get("/gzip", async (_request, reply) =>
        reply
          .header("content-encoding", "gzip")
          .header("content-type", "application/json")
          .send(gzipSync(JSON.stringify({ zipped: "yes" }))),
      );
      // 1 MB of zeros compresses to ~1 KB: within the limit on the wire, far beyond it decoded.
      app.get("/bomb", async (_request, reply) => reply.header("content-encoding", "gzip").send(gzipSync(Buffer.alloc(1024 * 1024))));
    });
  });
  afterAll(async () => {
    await transport.close();
    await provider?.close();
  });

  it("keeps connections alive: twenty sequential requests to one origin reuse one or two connections", async () => {
    const before = provider.connections();
    for (let i = 0; i < 20; i += 1) expect((await request("/ok")).status).toBe(200);
    // undici may open a second one while the first request's completion is still being recorded.
    expect(provider.connections() - before).toBeLessThanOrEqual(2);
  });

  it("answers with lower-case headers, repeated ones joined, and the body bytes", async () => {
    const response = await request("/ok");
    expect(response.headers["x-multi"]).toBe("a, b");
    expect(JSON.parse(response.body.toString())).toEqual({ ok: true });
    const echoed = await request("/echo", { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(JSON.parse(echoed.body.toString())).toEqual({ body: { a: 1 }, type: "application/json" });
  });

  it("gives up after timeoutMs with a transient ERR_PROVIDER_UNAVAILABLE", async () => {
    try {
      await expect(request("/slow", { timeoutMs: 100 })).rejects.toMatchObject({
        code: "ERR_PROVIDER_UNAVAILABLE",
        errorClass: "transient",
        details: { failure: "timeout" },
      });
    } finally {
      answerSlow();
    }
  });

  it("refuses answers over maxResponseBytes, declared or streamed, and decompressed bombs", async () => {
    for (const path of ["/big-declared", "/big-chunked"]) {
      await expect(request(path), path).rejects.toMatchObject({ code: "ERR_PROVIDER_RESPONSE_TOO_LARGE", errorClass: "user" });
    }
    const bomb = await request("/bomb", { maxResponseBytes: 1024 * 1024 * 2 });
    expect(bomb.body.length).toBe(1024 * 1024);
    expect(Number(bomb.headers["content-length"] ?? 0)).toBe(0);
    await expect(request("/bomb", { maxResponseBytes: 64 * 1024 })).rejects.toMatchObject({ code: "ERR_PROVIDER_RESPONSE_TOO_LARGE" });
    // The connection pool survives a refused answer.
    expect((await request("/ok")).status).toBe(200);
  });

  it("decompresses gzip answers", async () => {
    const response = await request("/gzip");
    expect(JSON.parse(response.body.toString())).toEqual({ zipped: "yes" });
    expect(response.headers["content-encoding"]).toBeUndefined();
  });

  it("a refused connection is a transient connection failure; a caller's abort is passed through", async () => {
    const port = await freePort();
    await expect(transport({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: {}, timeoutMs: 1000, maxResponseBytes: 100 })).rejects.toMatchObject({
      code: "ERR_PROVIDER_UNAVAILABLE",
      details: { failure: "connection", errorCode: "ECONNREFUSED" },
    });
    const controller = new AbortController();
    const pending = request("/slow", { signal: controller.signal });
    controller.abort(new Error("shutting down"));
    await expect(pending).rejects.toThrow("shutting down");
  });
});
