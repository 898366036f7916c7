import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/logger.ts";
import { SIGNATURE_HEADER, startTestApp, type TestApp } from "./test-app.ts";

describe("request logs", () => {
  const lines: string[] = [];
  let t: TestApp;
  beforeAll(async () => {
    const destination = { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream;
    t = await startTestApp({ log: createLogger({ level: "debug", destination }) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("are JSON lines keyed by the request's trace id, without bodies, signatures, verify tokens or API keys", async () => {
    const marker = `body-marker-${randomUUID()}`;
    const body = JSON.stringify({ events: [{ kind: "activity", owner_id: marker, records: [] }] });
    const headers = t.sign(body);
    const traceId = randomUUID();
    const http = t.app.http();
    await http.inject({ method: "POST", url: "/hooks/TESTPUSH", payload: body, headers: { ...headers, "x-request-id": traceId } });
    await http.inject({ method: "POST", url: "/hooks/TESTPUSH", payload: body, headers: { ...headers, [SIGNATURE_HEADER]: "t=1,v1=ab" } });
    await http.inject({ method: "GET", url: `/hooks/TESTPUSH?hub.challenge=c&hub.verify_token=${t.verifyToken}` });
    await http.inject({ method: "GET", url: "/admin/dead-letters", headers: { "x-api-key": t.apiKey } });
    await http.inject({ method: "GET", url: "/admin/dead-letters", headers: { authorization: `Basic ${Buffer.from(`x:${t.apiKey}`).toString("base64")}` } });

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((entry) => entry.msg === "request");
    expect(requests.map((entry) => `${entry.method} ${entry.path} ${entry.statusCode}`)).toEqual([
      "POST /hooks/TESTPUSH 200",
      "POST /hooks/TESTPUSH 401",
      "GET /hooks/TESTPUSH 200",
      "GET /admin/dead-letters 200",
      "GET /admin/dead-letters 200",
    ]);
    expect(requests[0]?.traceId).toBe(traceId);
    expect(entries.find((entry) => entry.msg === "provider push rejected: bad signature")?.traceId).toEqual(requests[1]?.traceId);

    const text = lines.join("");
    for (const secret of [marker, headers[SIGNATURE_HEADER]!, t.verifyToken, t.apiKey, t.pushSecret]) expect(text).not.toContain(secret);
  });
});
