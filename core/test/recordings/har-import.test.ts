import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importHar, loadRecordings, recordedTransport, REDACTED, writeRecordings } from "../../src/recordings/index.ts";
import { get, tempFolder, writeFiles } from "./helpers.ts";

// A browser's "Save all as HAR" of an app talking to a provider: a page, a CORS preflight, a blocked
// tracker, a token refresh, two pages of a stream, a FIT download, entries out of time order.
const HAR = join(import.meta.dirname, "fixtures", "browser-session.har");
const SECRETS = {
  firstAccessToken: "at1-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  secondAccessToken: "at2-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
  firstRefreshToken: "rt1-11112222333344445555666677778888",
  secondRefreshToken: "rt2-99990000aaaabbbbccccddddeeeeffff",
  clientSecret: "client-secret-f00dbabe",
  sessionCookie: "sess-7c6b5a4f3e2d1c0b",
};
const provider = (url: URL) => url.hostname === "api.provider.example";

describe("importHar", () => {
  it("keeps the provider's replayable exchanges in time order and drops pages, preflights and blocked requests", async () => {
    const exchanges = await importHar(HAR, { include: provider });
    expect(exchanges.map((e) => `${e.request.method} ${e.request.path}`)).toEqual([
      "GET /v2/debug/session",
      "POST /oauth/token",
      "GET /v2/usercollection/sleep",
      "GET /v2/usercollection/sleep",
      "GET /v2/workouts/w1/file.fit",
    ]);
    expect((await importHar(HAR)).map((e) => e.request.path)).toContain("/");
  });

  it("leaves no secret anywhere, even one the file reveals only after it was echoed", async () => {
    const exchanges = await importHar(HAR, { include: provider });
    const text = JSON.stringify(exchanges);
    for (const [name, secret] of Object.entries(SECRETS)) expect(text, name).not.toContain(secret);
    const [echo, token, page1] = exchanges;
    expect(echo?.response.body).toEqual({ note: `next token will be ${REDACTED}`, user: "oura-1" });
    expect(token?.request).toEqual({ method: "POST", path: "/oauth/token", body: { grant_type: "refresh_token" } });
    expect(token?.response.body).toMatchObject({ access_token: REDACTED, refresh_token: REDACTED, expires_in: 86400 });
    expect(page1?.request.query).toEqual({ start_date: "2026-05-01", end_date: "2026-05-07" });
    expect(page1?.response.headers).toEqual({ "content-type": "application/json; charset=utf-8", date: "Wed, 20 May 2026 10:00:00 GMT", "x-ratelimit-remaining": "4998" });
  });

  it("writes files that load and replay: both pages, and the binary FIT file byte for byte", async () => {
    const dir = await tempFolder();
    const names = await writeRecordings(dir, await importHar(HAR, { include: provider }));
    expect(names[0]).toBe("0001-get-v2-debug-session.json");
    const replay = recordedTransport(await loadRecordings(dir));
    const first = await replay(get("https://api.provider.example/v2/usercollection/sleep?start_date=2026-05-01&end_date=2026-05-07"));
    const second = await replay(get("https://api.provider.example/v2/usercollection/sleep?start_date=2026-05-01&end_date=2026-05-07&next_token=TkVYVDox"));
    expect([JSON.parse(first.body.toString()), JSON.parse(second.body.toString())]).toEqual([
      { data: [{ id: "s1", day: "2026-05-02" }], next_token: "TkVYVDox" },
      { data: [{ id: "s2", day: "2026-05-05" }], next_token: null },
    ]);
    const fit = await replay(get("https://api.provider.example/v2/workouts/w1/file.fit"));
    const har = JSON.parse(await readFile(HAR, "utf8")) as { log: { entries: Array<{ request: { url: string }; response: { content: { text: string } } }> } };
    const original = har.log.entries.find((e) => e.request.url.endsWith("file.fit"))?.response.content.text as string;
    expect(fit.body.equals(Buffer.from(original, "base64"))).toBe(true);
    expect(fit.headers["content-type"]).toBe("application/vnd.ant.fit");
  });

  it("refuses a file that is not a HAR, naming it", async () => {
    const dir = await tempFolder();
    await writeFiles(dir, { "broken.har": "{ not json", "other.har": { log: { pages: [] } } });
    await expect(importHar(join(dir, "broken.har"))).rejects.toMatchObject({ code: "ERR_RECORDING_INVALID", message: expect.stringContaining("broken.har") });
    await expect(importHar(join(dir, "other.har"))).rejects.toMatchObject({ code: "ERR_RECORDING_INVALID", message: expect.stringContaining("no log.entries") });
  });
});
