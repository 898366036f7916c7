import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-app.ts";

/**
 * What Node refuses before a route sees the request — a client too slow to send it, headers too large,
 * bytes that are not HTTP — is answered in Terra's problem shape with a stable code, as every other error
 * of the server is, over a raw socket.
 */
describe("client errors answered by the HTTP server itself", () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ server: "{ limits: { requestTimeoutSeconds: 1, headersTimeoutSeconds: 1 } }" });
    const { url } = await t.app.startHttp({ host: "127.0.0.1", port: 0 });
    port = Number(new URL(url).port);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Writes `head`, then `trickle` a byte at a time every 200 ms until the server answers and closes. */
  const exchange = (head: string, trickle = "") =>
    new Promise<string>((resolve, reject) => {
      const socket: Socket = connect(port, "127.0.0.1");
      const chunks: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      socket.on("data", (chunk) => chunks.push(chunk));
      socket.on("error", reject);
      socket.on("close", () => {
        clearInterval(timer);
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
      socket.write(head);
      let sent = 0;
      if (trickle !== "")
        timer = setInterval(() => {
          if (sent < trickle.length && socket.writable) socket.write(trickle[sent++]!);
        }, 200);
    });
  const parse = (raw: string) => {
    const [head = "", body = ""] = raw.split("\r\n\r\n");
    const [status, ...lines] = head.split("\r\n");
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
    return { status, headers, body: JSON.parse(body) as Record<string, unknown>, bodyBytes: Buffer.byteLength(body) };
  };

  it("a body trickled slower than server.limits.requestTimeoutSeconds: 408, Terra-shaped, naming the request", async () => {
    // A signed push: the route reads its body (an unsigned one would be answered before it is read).
    const body = JSON.stringify({ events: [{ kind: "activity", owner_id: "slow", records: [] }], padding: "x".repeat(200) });
    const headers = Object.entries(t.sign(body))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    const path = "/hooks/TESTPUSH?from=slow";
    const raw = await exchange(`POST ${path} HTTP/1.1\r\nHost: x\r\n${headers}content-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`, body.slice(10));
    const answer = parse(raw);
    expect(answer.status).toBe("HTTP/1.1 408 Request Timeout");
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(answer.headers.connection).toBe("close");
    expect(Number(answer.headers["content-length"])).toBe(answer.bodyBytes);
    expect(answer.body).toEqual({
      type: "about:blank",
      title: "request timeout",
      instance: path,
      detail: expect.stringContaining("within 1 s"),
      code: "ERR_REQUEST_TIMEOUT",
    });
  });

  it("headers never finished: 408 too, naming no request (none was read)", async () => {
    const answer = parse(await exchange("POST /hooks/TESTPUSH HTTP/1.1\r\nHost: x\r\nX-Slow: ", "abcdefghijklmnopqrstuvwxyz"));
    expect(answer.status).toBe("HTTP/1.1 408 Request Timeout");
    expect(answer.body).toMatchObject({ type: "about:blank", title: "request timeout", instance: "", code: "ERR_REQUEST_TIMEOUT" });
  });

  it("a request answered in time on a kept-alive connection is not named by a later one's timeout", async () => {
    const first = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    const raw = await exchange(`${first}POST /hooks/TESTPUSH HTTP/1.1\r\nHost: x\r\nX-Slow: `, "abcdefghijklmnopqrstuvwxyz");
    const second = raw.slice(raw.indexOf("HTTP/1.1 408"));
    expect(raw.startsWith("HTTP/1.1 200")).toBe(true);
    expect(parse(second).body).toMatchObject({ instance: "", code: "ERR_REQUEST_TIMEOUT" });
  });

  /** Sends `head` and the start of a body, then trickles the rest until the first answer: what arrives before the socket closes. */
  const answeredEarly = (head: string, body: string) =>
    new Promise<string>((resolve, reject) => {
      const socket: Socket = connect(port, "127.0.0.1");
      const chunks: Buffer[] = [];
      const timer = setInterval(() => {
        if (sent < body.length && socket.writable) socket.write(body[sent++]!);
      }, 200);
      let sent = 1;
      socket.on("data", (chunk) => {
        clearInterval(timer);
        chunks.push(chunk);
      });
      socket.on("error", reject);
      socket.on("close", () => {
        clearInterval(timer);
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
      socket.write(`${head}content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body[0]}`);
    });
  const statusLines = (raw: string) => raw.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [];

  it("a /v2 answer sent before the body was read (a wrong key, no such endpoint) closes the connection: no 408 follows it", async () => {
    const body = JSON.stringify({ reference_id: "slow", padding: "x".repeat(40) });
    const refused = await answeredEarly(`POST /v2/auth/generateWidgetSession HTTP/1.1\r\nHost: x\r\ndev-id: nobody\r\nx-api-key: wrong\r\n`, body);
    expect(statusLines(refused)).toEqual(["HTTP/1.1 401 Unauthorized"]);
    expect(parse(refused).headers.connection).toBe("close");
    expect(parse(refused).body).toMatchObject({ code: "ERR_API_UNAUTHORIZED" });
    const unknown = await answeredEarly(`POST /v2/no-such-endpoint HTTP/1.1\r\nHost: x\r\n`, body);
    expect(statusLines(unknown)).toEqual(["HTTP/1.1 404 Not Found"]);
    expect(parse(unknown).headers.connection).toBe("close");
  });

  it("answers to requests without a body keep the connection", async () => {
    const socket: Socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.end("GET /v2/no-such-endpoint HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/no-such-endpoint HTTP/1.1\r\nHost: x\r\n\r\n");
    await closed;
    const raw = Buffer.concat(chunks).toString("utf8");
    expect(statusLines(raw)).toEqual(["HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found"]);
    expect(raw.toLowerCase()).not.toContain("connection: close");
  });

  it("headers over Node's limit: 431; bytes that are not HTTP: 400; both Terra-shaped", async () => {
    const large = parse(await exchange(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`));
    expect(large.status).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(large.headers["content-type"]).toBe("application/problem+json");
    expect(large.body).toMatchObject({ type: "about:blank", title: "request header fields too large", code: "ERR_REQUEST_HEADERS_TOO_LARGE" });
    const garbage = parse(await exchange("NOT HTTP AT ALL\r\n\r\n"));
    expect(garbage.status).toBe("HTTP/1.1 400 Bad Request");
    expect(garbage.body).toMatchObject({ type: "about:blank", title: "bad request", code: "ERR_REQUEST_MALFORMED" });
  });
});
