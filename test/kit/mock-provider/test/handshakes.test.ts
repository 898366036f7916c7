import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { describe, expect, it, onTestFinished } from "vitest";
import { runHandshakes } from "../index.ts";

/** A callback URL served by `answer`; returns the URL and the requests it saw. */
async function receiver(answer: (request: IncomingMessage, url: URL, response: ServerResponse) => void) {
  const seen: Array<{ method: string; url: URL }> = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    seen.push({ method: request.method ?? "", url });
    answer(request, url, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/p`, seen };
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

describe("handshakes, played from the provider's side", () => {
  it("Strava: hub.challenge with hub.mode and hub.verify_token, answered as JSON", async () => {
    const good = await receiver((_r, url, response) =>
      url.searchParams.get("hub.verify_token") === "VERIFY"
        ? json(response, 200, { "hub.challenge": url.searchParams.get("hub.challenge") })
        : json(response, 403, {}),
    );
    const spec = { type: "challenge", param: "hub.challenge", verifyTokenParam: "hub.verify_token", respond: "json" } as const;
    expect(await runHandshakes(good.url, [spec], { verifyToken: "VERIFY" })).toEqual([{ type: "challenge", ok: true, detail: "challenge echoed as JSON" }]);
    expect(good.seen[0]?.url.searchParams.get("hub.mode")).toBe("subscribe");
    const [refused] = await runHandshakes(good.url, [spec], { verifyToken: "WRONG" });
    expect(refused).toMatchObject({ ok: false, detail: expect.stringContaining("status 403") });
  });

  it("Oura: challenge echoed as JSON; a receiver echoing something else, or text where JSON is wanted, fails", async () => {
    const spec = { type: "challenge", param: "challenge", verifyTokenParam: "verification_token", respond: "json" } as const;
    const wrong = await receiver((_r, _url, response) => json(response, 200, { challenge: "not-it" }));
    expect((await runHandshakes(wrong.url, [spec]))[0]?.ok).toBe(false);
    const text = await receiver((_r, url, response) => response.writeHead(200).end(url.searchParams.get("challenge") ?? ""));
    expect((await runHandshakes(text.url, [spec]))[0]?.ok).toBe(false);
    expect((await runHandshakes(text.url, [{ ...spec, respond: "text" }]))[0]?.ok).toBe(true);
  });

  it("Fitbit: the right code must get 204 and a wrong one 404", async () => {
    const spec = { type: "verify_code", param: "verify" } as const;
    const good = await receiver((_r, url, response) => response.writeHead(url.searchParams.get("verify") === "CODE" ? 204 : 404).end());
    expect(await runHandshakes(good.url, [spec], { verifyToken: "CODE" })).toEqual([
      { type: "verify_code", ok: true, detail: "right code → 204 (want 204), wrong code → 404 (want 404)" },
    ]);
    expect(good.seen.map((s) => s.url.searchParams.get("verify"))).toEqual(["CODE", expect.stringMatching(/^CODE-wrong-/)]);
    const lax = await receiver((_r, _url, response) => response.writeHead(204).end());
    expect((await runHandshakes(lax.url, [spec], { verifyToken: "CODE" }))[0]).toMatchObject({
      ok: false,
      detail: expect.stringContaining("wrong code → 204"),
    });
  });

  it("Withings: HEAD must answer 2xx", async () => {
    const good = await receiver((request, _url, response) => response.writeHead(request.method === "HEAD" ? 200 : 405).end());
    expect(await runHandshakes(good.url, [{ type: "head" }])).toEqual([{ type: "head", ok: true, detail: "HEAD → 200 (want 2xx)" }]);
    expect(good.seen[0]?.method).toBe("HEAD");
    const bad = await receiver((_r, _url, response) => response.writeHead(404).end());
    expect((await runHandshakes(bad.url, [{ type: "head" }]))[0]?.ok).toBe(false);
  });

  it("gives up on a receiver slower than the provider waits (Strava: 2 s)", async () => {
    const slow = await receiver(() => undefined);
    await expect(runHandshakes(slow.url, [{ type: "head" }], { timeoutMs: 200 })).rejects.toThrow(/timeout|aborted/i);
  });
});
