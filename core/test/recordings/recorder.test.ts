import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConnectorSpec } from "@tributary/schemas";
import { describe, expect, it, onTestFinished } from "vitest";
import { mockFromSpec } from "../../src/mock-provider/index.ts";
import { s256Challenge } from "../../src/mock-provider/pkce.ts";
import type { ProviderResponse } from "../../src/provider-http/transport.ts";
import { loadRecordings, recordedTransport, recordingTransport, REDACTED } from "../../src/recordings/index.ts";
import { fetchTransport, get, post, tempFolder } from "./helpers.ts";

const SPEC: ConnectorSpec = {
  name: "RECORDED",
  displayName: "Recorded provider",
  dataTypes: ["sleep"],
  auth: {
    type: "oauth2",
    authorizeUrl: "https://provider.example/oauth/authorize",
    tokenUrl: "https://provider.example/oauth/token",
    revoke: { method: "POST", path: "https://provider.example/oauth/deauthorize", query: { access_token: "{access_token}" } },
    scopes: ["sleep"],
  },
  http: { baseUrl: "https://provider.example/v2" },
  streams: {
    sleep: [
      {
        name: "sleep",
        request: { path: "/sleep", query: { start_date: "{start}", end_date: "{end}" } },
        dateRange: { start: { format: "date" }, end: { format: "date", inclusive: true } },
        paging: { type: "cursor", param: "next_token", cursorPath: "/next_token" },
        records: "/data",
        id: "/id",
        checkpoint: { path: "/day", format: "date" },
      },
    ],
  },
};

const CLIENT = { id: "recorder-client", secret: "recorder-client-secret-value", redirectUris: ["http://127.0.0.1:9/cb"] };

async function liveMock() {
  const mock = mockFromSpec(
    SPEC,
    {
      users: [{ id: "user-1" }],
      clients: [CLIENT],
      streams: { sleep: { records: ["2026-03-01", "2026-03-02", "2026-03-03"].map((day) => ({ id: `s-${day}`, day })), pageSize: 2 } },
    },
    { errors: "fitbit", oauth: { consent: { decision: "approve", user: "user-1" } } },
  );
  await mock.listen();
  onTestFinished(() => mock.close());
  return mock;
}

const FORM = "application/x-www-form-urlencoded";

describe("recordingTransport", () => {
  it("writes each exchange of a live session as a numbered file with no secret in it, and the folder replays the session", async () => {
    const mock = await liveMock();
    const dir = await tempFolder();
    const transport = recordingTransport(fetchTransport, dir);
    const urls = mock.urls();

    const verifier = "v".repeat(20) + "erifier-of-forty-three-characters";
    const authorize = new URL(urls.authorizeUrl as string);
    for (const [name, value] of Object.entries({ response_type: "code", client_id: CLIENT.id, redirect_uri: CLIENT.redirectUris[0], state: "state-123", code_challenge: s256Challenge(verifier), code_challenge_method: "S256", scope: "sleep" })) authorize.searchParams.set(name, value as string);
    const code = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location") as string).searchParams.get("code") as string;

    const exchange = await transport(post(urls.tokenUrl as string, new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: CLIENT.redirectUris[0] as string, client_id: CLIENT.id, client_secret: CLIENT.secret }).toString(), FORM));
    const tokens = JSON.parse(exchange.body.toString()) as { access_token: string; refresh_token: string };
    const refreshed = JSON.parse((await transport(post(urls.tokenUrl as string, new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: CLIENT.id, client_secret: CLIENT.secret }).toString(), FORM))).body.toString()) as { access_token: string; refresh_token: string };
    const bearer = { authorization: `Bearer ${refreshed.access_token}` };
    const page1 = await transport(get(`${urls.baseUrl}/sleep?start_date=2026-03-01&end_date=2026-03-03`, bearer));
    const cursor = (JSON.parse(page1.body.toString()) as { next_token: string }).next_token;
    const page2 = await transport(get(`${urls.baseUrl}/sleep?start_date=2026-03-01&end_date=2026-03-03&next_token=${cursor}`, bearer));
    const stale = await transport(get(`${urls.baseUrl}/sleep?start_date=2026-03-01&end_date=2026-03-03`, { authorization: `Bearer ${tokens.access_token}-stale` }));
    expect(JSON.stringify(JSON.parse(stale.body.toString()))).toContain(`${tokens.access_token}-stale`);
    const revoked = await transport(post(`${mock.origin}/oauth/deauthorize?access_token=${refreshed.access_token}`, "", FORM));
    expect(revoked.status).toBe(200);

    const names = (await readdir(dir)).sort();
    expect(names).toEqual([
      "0001-post-oauth-token.json",
      "0002-post-oauth-token.json",
      "0003-get-v2-sleep.json",
      "0004-get-v2-sleep.json",
      "0005-get-v2-sleep.json",
      "0006-post-oauth-deauthorize.json",
    ]);
    const written = await Promise.all(names.map((name) => readFile(join(dir, name), "utf8")));
    const everything = written.join("\n");
    for (const secret of [CLIENT.secret, code, verifier, tokens.access_token, tokens.refresh_token, refreshed.access_token, refreshed.refresh_token]) {
      expect(everything).not.toContain(secret);
    }
    const [first, , , second, staleFile, deauthorize] = written.map((text) => JSON.parse(text));
    expect(first.request).toEqual({ method: "POST", path: "/oauth/token", body: { grant_type: "authorization_code" } });
    expect(first.response.body).toMatchObject({ access_token: REDACTED, refresh_token: REDACTED, token_type: "Bearer" });
    expect(first.response.headers).toMatchObject({ "cache-control": "no-store", "content-type": expect.stringContaining("application/json") });
    // When the provider answered is kept: it dates records that carry no time of their own ({answered_at}).
    expect(first.response.headers).toHaveProperty("date");
    expect(second.request.query).toEqual({ start_date: "2026-03-01", end_date: "2026-03-03", next_token: cursor });
    expect(staleFile.response.body.errors[0].message).toContain(REDACTED);
    expect(deauthorize.request).toEqual({ method: "POST", path: "/oauth/deauthorize" });

    // Replay: the same requests with other credentials get what the live provider answered.
    const replay = recordedTransport(await loadRecordings(dir));
    const other = { authorization: "Bearer replay-token" };
    const same = (a: ProviderResponse, b: ProviderResponse) => expect([b.status, JSON.parse(b.body.toString())]).toEqual([a.status, JSON.parse(a.body.toString())]);
    same(page1, await replay(get(`https://elsewhere.invalid/v2/sleep?start_date=2026-03-01&end_date=2026-03-03`, other)));
    same(page2, await replay(get(`https://elsewhere.invalid/v2/sleep?start_date=2026-03-01&end_date=2026-03-03&next_token=${cursor}`, other)));
    expect((await replay(get(`https://elsewhere.invalid/v2/sleep?start_date=2026-03-01&end_date=2026-03-03`, other))).status).toBe(401);
  });

  it("numbers new files after the ones already in the folder, and scrubs configured secrets and extra names", async () => {
    const mock = await liveMock();
    const dir = await tempFolder();
    const first = recordingTransport(fetchTransport, dir);
    const token = mock.oauth?.issueTokens("user-1", CLIENT.id).accessToken as string;
    await first(get(`${mock.urls().baseUrl}/sleep?start_date=2026-03-01&end_date=2026-03-01`, { authorization: `Bearer ${token}` }));
    const recorded: string[] = [];
    const second = recordingTransport(fetchTransport, dir, { secrets: ["s-2026-03-01"], names: ["end_date"], onRecorded: (file) => recorded.push(file) });
    await second(get(`${mock.urls().baseUrl}/sleep?start_date=2026-03-01&end_date=2026-03-05`, { authorization: `Bearer ${token}` }));
    expect(recorded).toEqual(["0002-get-v2-sleep.json"]);
    const file = JSON.parse(await readFile(join(dir, "0002-get-v2-sleep.json"), "utf8"));
    expect(file.request.query).toEqual({ start_date: "2026-03-01" });
    expect(file.response.body.data).toEqual([{ id: REDACTED, day: "2026-03-01" }, { id: "s-2026-03-02", day: "2026-03-02" }]);
  });
});
