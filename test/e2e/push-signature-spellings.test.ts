import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedPush } from "@tributary/core/mock-provider";
import { acknowledged, PUSHES, startPushDoor, type PushDoor } from "./push-door.ts";

/** The signature header's value and how to put another one in its place. */
const HEADER: Record<string, string> = {
  INSIDERS: "insiders-signature",
  FITBIT: "x-fitbit-signature",
  POLAR: "polar-webhook-signature",
  OURA: "x-oura-signature",
  WHOOP: "x-whoop-signature",
};
const base64url = (base64: string) => Buffer.from(base64, "base64").toString("base64url");
const swapCase = (text: string) => [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
const terraParts = (header: string) => {
  const [t, v1] = header.split(",") as [string, string];
  return { t, v1, hex: v1.slice(3) };
};

/**
 * Every other spelling of one signature, per provider as its connector.yaml declares it: `refused` ones are
 * not the provider's signature (401, and not as a replay — they are sent before the push itself); `same`
 * ones are the provider's signature written another way its comparison allows (hex case where the provider
 * writes either, whitespace HTTP strips, the extra v1 entries of a secret rotation) — the same push, so a
 * replay once the push is in.
 */
const SPELLINGS: Array<{ provider: string; scheme: string; refused: (sig: string) => string[]; same: (sig: string) => string[] }> = [
  {
    provider: "INSIDERS",
    scheme: "terra: t=…,v1=<hex>",
    refused: (sig) => {
      const { t, v1, hex } = terraParts(sig);
      return [
        `${t}, ${v1}`,
        `${t},v1=${hex.toUpperCase()}`,
        `${t},v1=${Buffer.from(hex, "hex").toString("base64")}`,
        `T${t.slice(1)},V1=${hex}`,
        `t=0${t.slice(2)},${v1}`,
        `${v1},${t}`,
        `${t};${v1}`,
        `${sig},`,
        `${t},v0=${hex}`,
        `${t},v1=${hex.slice(0, -2)}`,
      ];
    },
    same: (sig) => {
      const { t, v1 } = terraParts(sig);
      return [` ${sig}`, `${sig}\t`, `${t},v1=${"0".repeat(64)},${v1}`, `${t},v0=abc,${v1}`];
    },
  },
  {
    provider: "FITBIT",
    scheme: "hmac: base64 HMAC-SHA1",
    refused: (sig) => [
      base64url(sig),
      sig.replace(/=+$/, ""),
      swapCase(sig),
      Buffer.from(sig, "base64").toString("hex"),
      `sha1=${sig}`,
      `${sig.slice(0, 10)} ${sig.slice(10)}`,
    ],
    same: (sig) => [` ${sig} `],
  },
  {
    provider: "POLAR",
    scheme: "hmac: hex HMAC-SHA256",
    refused: (sig) => [Buffer.from(sig, "hex").toString("base64"), `sha256=${sig}`, `${sig}00`, sig.slice(1), `${sig.slice(0, 10)} ${sig.slice(10)}`],
    same: (sig) => [sig.toUpperCase(), ` ${sig}`],
  },
  {
    provider: "OURA",
    scheme: "hmac: upper-case hex of timestamp + body",
    refused: (sig) => [Buffer.from(sig, "hex").toString("base64"), `${sig}0`, sig.slice(2)],
    same: (sig) => [sig.toLowerCase(), `${sig} `],
  },
  {
    provider: "WHOOP",
    scheme: "hmac: base64 of millisecond timestamp + body",
    refused: (sig) => [base64url(sig), sig.replace(/=+$/, ""), swapCase(sig), Buffer.from(sig, "base64").toString("hex")],
    same: (sig) => [` ${sig}`],
  },
];

describe("one push signature, many spellings — every shipped connector's scheme, through HTTP", () => {
  let door: PushDoor;

  beforeAll(async () => {
    door = await startPushDoor("spellings");
  }, 90_000);
  afterAll(async () => {
    await door?.close();
  });

  const respelled = (push: SignedPush, header: string, value: string): SignedPush => ({ ...push, headers: { ...push.headers, [header]: value } });
  const upperCaseNames = (push: SignedPush): SignedPush => ({
    ...push,
    headers: Object.fromEntries(Object.entries(push.headers).map(([name, value]) => [name.toUpperCase(), value])),
  });

  it.each(SPELLINGS)(
    "$provider ($scheme): other spellings refused; the push accepted once, with its header names in any case; its equal spellings are replays",
    async ({ provider, refused, same }) => {
      const header = HEADER[provider]!;
      const push = door.sign(provider, PUSHES[provider]!(door.user));
      const signature = push.headers[header]!;
      for (const spelling of refused(signature)) {
        expect(spelling).not.toBe(signature);
        const answer = await door.send(provider, respelled(push, header, spelling));
        expect(answer.status, `${spelling}: ${answer.body}`).toBe(401);
        expect(answer.body, spelling).not.toContain("replayed");
        expect(await answer.enqueued()).toEqual([]);
      }

      const first = await door.send(provider, upperCaseNames(push));
      expect(first.status, first.body).toBe(acknowledged(provider));
      expect(await first.enqueued()).toHaveLength(1);

      for (const spelling of [signature, ...same(signature)]) {
        const answer = await door.send(provider, respelled(push, header, spelling));
        expect(answer.status, JSON.stringify(spelling)).toBe(401);
        expect(answer.body, JSON.stringify(spelling)).toContain("replayed");
        expect(await answer.enqueued()).toEqual([]);
      }
    },
  );

  it.each(["INSIDERS", "OURA", "WHOOP"])("%s: signed 310 s ago or 310 s ahead is refused as out of tolerance, before any replay check", async (provider) => {
    // 10 s past the 300 s tolerance: timestamps in whole seconds and the time the request takes eat into a 1 s margin.
    for (const at of [Date.now() - 310_000, Date.now() + 310_000]) {
      const answer = await door.send(provider, door.sign(provider, PUSHES[provider]!(door.user), { at }));
      expect(answer.status).toBe(401);
      expect(answer.body).toMatch(/tolerance/);
      expect(await answer.enqueued()).toEqual([]);
    }
  });

  it("OURA and WHOOP: the timestamp header spelled another way than it was signed is refused", async () => {
    const cases: Array<[string, string, (t: string) => string[]]> = [
      ["OURA", "x-oura-timestamp", (t) => [`0${t}`, `${t}.0`, `+${t}`, `${t}000`, String(Number(t) + 1)]],
      ["WHOOP", "x-whoop-signature-timestamp", (t) => [`0${t}`, `${t}.0`, String(Math.floor(Number(t) / 1000)), String(Number(t) + 1)]],
    ];
    for (const [provider, header, spellings] of cases) {
      const push = door.sign(provider, PUSHES[provider]!(door.user));
      for (const spelling of spellings(push.headers[header]!)) {
        const answer = await door.send(provider, respelled(push, header, spelling));
        expect(answer.status, `${provider} ${spelling}`).toBe(401);
        expect(await answer.enqueued()).toEqual([]);
      }
    }
  });

  it("WAHOO (a token in the body): the token in another case, padded, or as a list is refused; the right one is accepted once", async () => {
    const push = door.sign("WAHOO", PUSHES.WAHOO!(door.user));
    const body = JSON.parse(push.body.toString("utf8")) as { webhook_token: string };
    const token = body.webhook_token;
    for (const spelling of [token.toUpperCase(), ` ${token}`, `${token} `, [token], { token }, `${token}\u0000`]) {
      const answer = await door.send("WAHOO", { ...push, body: Buffer.from(JSON.stringify({ ...body, webhook_token: spelling })) });
      expect(answer.status, JSON.stringify(spelling)).toBe(401);
      expect(await answer.enqueued()).toEqual([]);
    }
    expect((await door.send("WAHOO", push)).status).toBe(200);
    const again = await door.send("WAHOO", push);
    expect([again.status, again.body]).toEqual([401, expect.stringContaining("replayed")]);
  });

  it("STRAVA (unsigned, matched by subscription id): the id spelled as another value is refused; a push seen before is a replay", async () => {
    const push = PUSHES.STRAVA!(door.user) as Record<string, unknown>;
    for (const id of [120476, "120475 ", " 120475", "0120475", "120475.5", -120475, null, [120475], { id: 120475 }, true]) {
      const answer = await door.send("STRAVA", door.sign("STRAVA", { ...push, subscription_id: id }));
      expect(answer.status, JSON.stringify(id)).toBe(401);
      expect(await answer.enqueued()).toEqual([]);
    }
    const signed = door.sign("STRAVA", push);
    expect((await door.send("STRAVA", signed)).status).toBe(200);
    expect((await door.send("STRAVA", signed)).status).toBe(401);
  });
});
