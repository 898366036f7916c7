import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedPush } from "@tributary/core/mock-provider";
import { createLogger } from "@tributary/core/log";
import { acknowledged, PUSHES, startPushDoor, type PushDoor } from "./push-door.ts";

/**
 * Wrong signatures, for every shipped connector whose pushes are signed, through the HTTP server: each is
 * refused 401 without being mistaken for a replay, nothing is queued, the refusal is counted
 * (`rejected_signature`) and logged at warn without a secret — and the right push, sent after all of them,
 * is still accepted once. Subscription handshakes, answered as each provider expects. (Other spellings of
 * a right signature: push-signature-spellings.test.ts.)
 */

/** The header each signed provider puts its signature in, and the timestamp header it signs, if any. */
const SIGNED: Array<{ provider: string; header: string; timestamp?: string }> = [
  { provider: "FITBIT", header: "x-fitbit-signature" },
  { provider: "POLAR", header: "polar-webhook-signature" },
  { provider: "OURA", header: "x-oura-signature", timestamp: "x-oura-timestamp" },
  { provider: "WHOOP", header: "x-whoop-signature", timestamp: "x-whoop-signature-timestamp" },
  { provider: "INSIDERS", header: "insiders-signature" },
  { provider: "SANDBOX", header: "x-sandbox-signature" },
];

/** The JSON of a push written another way: the same value, other bytes (what a re-serialising proxy sends). */
const RESERIALISED: Array<{ how: string; rewrite: (json: string) => string }> = [
  { how: "indented", rewrite: (json) => JSON.stringify(JSON.parse(json), null, 2) },
  { how: "with a trailing newline", rewrite: (json) => `${json}\n` },
  { how: "with its keys in reverse order", rewrite: (json) => JSON.stringify(reversedKeys(JSON.parse(json))) },
  { how: "with a character escaped", rewrite: (json) => json.replace(/"([a-z])/, (_, c: string) => `"\\u00${c.charCodeAt(0).toString(16)}`) },
];

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

describe("wrong push signatures — every signed connector, through HTTP", () => {
  const lines: string[] = [];
  let door: PushDoor;

  beforeAll(async () => {
    const destination = { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream;
    door = await startPushDoor("refusals", { log: createLogger({ level: "debug", destination, format: "json" }) });
  }, 90_000);
  afterAll(async () => {
    await door?.close();
  });

  const withHeaders = (push: SignedPush, headers: Record<string, string | undefined>): SignedPush => {
    const next = { ...push.headers };
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) delete next[name];
      else next[name] = value;
    }
    return { ...push, headers: next };
  };
  /** 401, not a replay, nothing queued; returns the reason given. */
  const expectRefused = async (provider: string, push: SignedPush, what: string) => {
    const answer = await door.send(provider, push);
    expect(answer.status, `${provider} ${what}: ${answer.body}`).toBe(401);
    expect(answer.body, `${provider} ${what}`).not.toContain("replayed");
    expect(await answer.enqueued(), `${provider} ${what}`).toEqual([]);
  };
  /** The other configured secret: Fitbit, Oura and WHOOP sign with the client secret, the others with the push secret. */
  const otherSecret = (provider: string) => {
    const verify = door.definitions[provider]!.spec.webhook!.verify;
    const [push, client] = door.secrets;
    return "secret" in verify && verify.secret === "clientSecret" ? push! : client!;
  };

  it.each(SIGNED)(
    "$provider: empty, missing, sent twice, doubled, truncated, another secret's, over a re-serialised body — each 401, counted, logged; the right push then accepted once",
    async ({ provider, header, timestamp }) => {
      const rejectedBefore = await door.counted(provider, "rejected_signature");
      const push = door.sign(provider, PUSHES[provider]!(door.user));
      const signature = push.headers[header]!;
      const wrong: Array<[string, SignedPush]> = [
        ["an empty signature", withHeaders(push, { [header]: "" })],
        ["no signature header", withHeaders(push, { [header]: undefined })],
        ["the signature doubled", withHeaders(push, { [header]: `${signature}${signature}` })],
        ["the signature truncated", withHeaders(push, { [header]: signature.slice(0, -4) })],
        ["the signature of another secret", door.sign(provider, push.body, { secret: otherSecret(provider) })],
        ...RESERIALISED.map(({ how, rewrite }): [string, SignedPush] => [
          `the body ${how}`,
          { ...push, body: Buffer.from(rewrite(push.body.toString("utf8"))) },
        ]),
        ...(timestamp ? [[`no ${timestamp} header`, withHeaders(push, { [timestamp]: undefined })] as [string, SignedPush]] : []),
      ];
      for (const [what, sent] of wrong) {
        if (what.startsWith("the body")) expect(sent.body.equals(push.body), what).toBe(false);
        await expectRefused(provider, sent, what);
      }
      // The same header twice: node joins the lines, which is no signature's spelling.
      const twice = await door.request("POST", `/hooks/${provider.toLowerCase()}`, { ...push.headers, [header]: [signature, signature] }, push.body);
      expect(twice.status, twice.body).toBe(401);
      expect(await door.counted(provider, "rejected_signature")).toBe(rejectedBefore + wrong.length + 1);

      const accepted = await door.send(provider, push);
      expect(accepted.status, accepted.body).toBe(acknowledged(provider));
      expect(await accepted.enqueued()).toHaveLength(1);
      const replayed = await door.send(provider, push);
      expect([replayed.status, replayed.body]).toEqual([401, expect.stringContaining("replayed")]);
      expect(await door.counted(provider, "replayed")).toBeGreaterThanOrEqual(1);
    },
  );

  it("WAHOO (a token in the body): missing, empty, doubled, truncated or another secret's token — 401, counted; the right one accepted once", async () => {
    const rejectedBefore = await door.counted("WAHOO", "rejected_signature");
    const push = door.sign("WAHOO", PUSHES.WAHOO!(door.user));
    const body = JSON.parse(push.body.toString("utf8")) as Record<string, unknown>;
    const token = body.webhook_token as string;
    const { webhook_token: _, ...withoutToken } = body;
    const wrong: Array<[string, unknown]> = [
      ["no token", withoutToken],
      ["an empty token", { ...body, webhook_token: "" }],
      ["a null token", { ...body, webhook_token: null }],
      ["the token doubled", { ...body, webhook_token: `${token}${token}` }],
      ["the token truncated", { ...body, webhook_token: token.slice(0, -1) }],
      ["another secret as the token", { ...body, webhook_token: otherSecret("WAHOO") }],
    ];
    for (const [what, sent] of wrong) await expectRefused("WAHOO", { ...push, body: Buffer.from(JSON.stringify(sent)) }, what);
    expect(await door.counted("WAHOO", "rejected_signature")).toBe(rejectedBefore + wrong.length);
    expect((await door.send("WAHOO", push)).status).toBe(200);
    expect((await door.send("WAHOO", push)).status).toBe(401);
  });

  describe("handshakes", () => {
    const get = (provider: string, query: string) => door.request("GET", `/hooks/${provider.toLowerCase()}?${query}`);

    it("STRAVA: the challenge echoed as JSON only with our verify token; a wrong or missing token 403, a missing or repeated challenge 400", async () => {
      const token = encodeURIComponent(door.verifyToken);
      const ok = await get("STRAVA", `hub.mode=subscribe&hub.challenge=15f7d1a91c1f40&hub.verify_token=${token}`);
      expect([ok.status, JSON.parse(ok.body), ok.headers["content-type"]]).toEqual([
        200,
        { "hub.challenge": "15f7d1a91c1f40" },
        expect.stringContaining("application/json"),
      ]);
      // Markup in a challenge comes back as a JSON string, never as a page.
      const markup = await get("STRAVA", `hub.mode=subscribe&hub.challenge=${encodeURIComponent("<script>x</script>")}&hub.verify_token=${token}`);
      expect([markup.status, JSON.parse(markup.body), markup.headers["content-type"]]).toEqual([
        200,
        { "hub.challenge": "<script>x</script>" },
        expect.stringContaining("application/json"),
      ]);
      const refusedBefore = await door.counted("STRAVA", "rejected_signature");
      expect((await get("STRAVA", "hub.mode=subscribe&hub.challenge=abc&hub.verify_token=STRAVA")).status).toBe(403);
      expect((await get("STRAVA", `hub.mode=subscribe&hub.challenge=abc&hub.verify_token=${token}x`)).status).toBe(403);
      expect((await get("STRAVA", "hub.mode=subscribe&hub.challenge=abc")).status).toBe(403);
      expect(await door.counted("STRAVA", "rejected_signature")).toBe(refusedBefore + 3);
      expect((await get("STRAVA", `hub.mode=subscribe&hub.verify_token=${token}`)).status).toBe(400);
      expect((await get("STRAVA", `hub.challenge=a&hub.challenge=b&hub.verify_token=${token}`)).status).toBe(400);
      expect((await get("STRAVA", `hub.challenge=${"a".repeat(513)}&hub.verify_token=${token}`)).status).toBe(400);
    });

    it("OURA: the challenge echoed as JSON with our verification token, 403 without it", async () => {
      const ok = await get("OURA", `verification_token=${encodeURIComponent(door.verifyToken)}&challenge=c-123`);
      expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { challenge: "c-123" }]);
      expect((await get("OURA", "verification_token=nope&challenge=c-123")).status).toBe(403);
    });

    it("FITBIT: 204 to our verification code, 404 to any other (what Fitbit checks), empty included", async () => {
      const ok = await get("FITBIT", `verify=${encodeURIComponent(door.verifyToken)}`);
      expect([ok.status, ok.body]).toEqual([204, ""]);
      for (const code of ["wrong", "", encodeURIComponent(door.verifyToken.toUpperCase()), encodeURIComponent(`${door.verifyToken} `)]) {
        expect((await get("FITBIT", `verify=${code}`)).status, code).toBe(404);
      }
    });

    it("WITHINGS: HEAD answered 200; providers that declare no handshake answer GET and HEAD 404", async () => {
      const head = await door.request("HEAD", "/hooks/withings");
      expect(head.status).toBe(200);
      for (const provider of ["POLAR", "WHOOP", "GARMIN", "WAHOO", "INSIDERS", "SANDBOX"]) {
        expect((await door.request("HEAD", `/hooks/${provider.toLowerCase()}`)).status, provider).toBe(404);
        expect((await get(provider, "challenge=x&verify=y&hub.challenge=z")).status, provider).toBe(404);
      }
    });
  });

  it("no log line of a refused push or handshake carries a secret or the verify token; each refusal has its warn line", () => {
    // Runs last: it reads what the tests above made the server log.
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; provider?: string });
    for (const line of lines) for (const secret of [...door.secrets, door.verifyToken]) expect(line).not.toContain(secret);
    const warned = (msg: string) => entries.filter((e) => e.level === 40 && e.msg === msg).map((e) => e.provider);
    expect(new Set(warned("provider push rejected: bad signature"))).toEqual(new Set([...SIGNED.map((s) => s.provider), "WAHOO"]));
    expect(new Set(warned("provider push rejected: replay of an earlier request"))).toEqual(new Set([...SIGNED.map((s) => s.provider), "WAHOO"]));
  });
});
