import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@tributary/core/log";
import { acknowledged, PUSHES, startPushDoor, type PushDoor } from "./push-door.ts";

/**
 * Signed pushes whose content is wrong or hostile (an attacker holding the secret, or a provider's bug),
 * for every shipped connector where the case applies, through the HTTP server: the answer is what the
 * provider needs (2xx for what a retry cannot mend — unknown users, events, a bad notification beside
 * good ones; 4xx for a request nothing of which can be processed; 413 for a body over the limit), nothing
 * valid is lost, nothing is queued twice, and every refusal is counted and logged at warn.
 * (Prototype keys, deep nesting and hostile user-id types: push-signed-hostile-bodies.test.ts.)
 */

const BODY_LIMIT = 256 * 1024;
/** Providers whose proof is read from the body: a body that cannot be read cannot be proven (401). */
const PROOF_IN_BODY = new Set(["WAHOO", "STRAVA"]);
const JSON_PROVIDERS = ["FITBIT", "POLAR", "OURA", "WHOOP", "WAHOO", "STRAVA", "GARMIN", "INSIDERS", "SANDBOX"];
const SINGLE = ["POLAR", "OURA", "WHOOP", "WAHOO", "STRAVA", "INSIDERS"];

/** A batch provider's body of these notifications, and one notification of it naming `user`. */
const BATCHES: Record<string, { body: (items: unknown[]) => unknown; item: (user: string) => unknown }> = {
  FITBIT: { body: (items) => items, item: (user) => (PUSHES.FITBIT!(user) as unknown[])[0] },
  GARMIN: { body: (items) => ({ dailies: items }), item: (user) => (PUSHES.GARMIN!(user) as { dailies: unknown[] }).dailies[0] },
  // Its windows are random to the second: a trace id keeps 1000 of them distinct.
  SANDBOX: {
    body: (items) => ({ notifications: items }),
    item: (user) => ({ ...((PUSHES.SANDBOX!(user) as { notifications: object[] }).notifications[0] as object), trace: randomUUID() }),
  },
};
const USER_KEY: Record<string, string> = { FITBIT: "ownerId", GARMIN: "userId", SANDBOX: "owner_id" };

/** A push of each provider whose event type is one it does not know (the catch-all `*`: ignored). */
const UNKNOWN_EVENT: Record<string, (user: string) => unknown> = {
  FITBIT: (user) => [{ ...(BATCHES.FITBIT!.item(user) as object), collectionType: "heartrateZones" }],
  POLAR: (user) => ({ ...(PUSHES.POLAR!(user) as object), event: "SLEEP_WISE_CIRCADIAN_BEDTIME" }),
  OURA: (user) => ({ ...(PUSHES.OURA!(user) as object), data_type: "tag" }),
  WHOOP: (user) => ({ ...(PUSHES.WHOOP!(user) as object), type: "body_measurement.updated" }),
  WAHOO: (user) => ({ ...(PUSHES.WAHOO!(user) as object), event_type: "plan_updated" }),
  STRAVA: (user) => ({ ...(PUSHES.STRAVA!(user) as object), object_type: "club" }),
  GARMIN: (user) => ({ stressDetails: [{ userId: user, summaryId: randomUUID() }] }),
  WITHINGS: (user) => ({ userid: user, appli: 54, startdate: 1775000000, enddate: 1775003600 }),
  INSIDERS: (user) => ({ ...(PUSHES.INSIDERS!(user) as object), event: "activities.deleted" }),
};

describe("signed pushes with wrong or hostile content — what each provider is answered, and what is queued", () => {
  const lines: string[] = [];
  let door: PushDoor;

  beforeAll(async () => {
    const destination = { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream;
    door = await startPushDoor("batches", { log: createLogger({ level: "debug", destination, format: "json" }), hookBodyBytes: BODY_LIMIT });
  }, 90_000);
  afterAll(async () => {
    await door?.close();
  });

  /** Signed as the provider signs: a value is encoded as its pushes are (JSON, or Withings' form), bytes are sent as they are. */
  const sendSigned = (provider: string, payload: unknown) => door.send(provider, door.sign(provider, payload));
  const warnings = (msg: string) =>
    lines.map((line) => JSON.parse(line) as { level: number; msg: string; provider?: string }).filter((e) => e.level === 40 && e.msg === msg);

  it.each(Object.keys(BATCHES))(
    "%s: a batch with bad notifications among good ones — the good ones queued, the bad left out, counted and logged; all bad is 400",
    async (provider) => {
      const { body, item } = BATCHES[provider]!;
      const good = [item(door.user), item(door.user)];
      const bad = [{ ...(item(door.user) as object), [USER_KEY[provider]!]: null }, [item(door.user)], "a string", 42, null];
      const refusedBefore = await door.counted(provider, "refused_notification");
      const answer = await sendSigned(provider, body([bad[0], good[0], ...bad.slice(1), good[1]]));
      expect(answer.status, answer.body).toBe(acknowledged(provider));
      if (answer.body !== "") expect(JSON.parse(answer.body)).toMatchObject({ notifications: 2, refused: bad.length });
      expect((await answer.enqueued()).map((n) => n.notification)).toEqual(good);
      expect(await door.counted(provider, "refused_notification")).toBe(refusedBefore + bad.length);
      expect(warnings("provider push: notifications that can never be processed left out of their batch").map((e) => e.provider)).toContain(provider);

      const allBad = await sendSigned(provider, body(bad));
      expect(allBad.status, allBad.body).toBe(400);
      expect(allBad.body).toContain(`and ${bad.length - 1} more`);
      expect(await allBad.enqueued()).toEqual([]);
    },
  );

  it.each(Object.keys(BATCHES))(
    "%s: a notification repeated in one batch is queued once; 1000 distinct ones are all queued, 1001 refused 400",
    async (provider) => {
      const { body, item } = BATCHES[provider]!;
      const one = item(door.user);
      const other = item(door.user);
      const repeated = await sendSigned(provider, body([one, other, one, one, structuredClone(other)]));
      expect(repeated.status, repeated.body).toBe(acknowledged(provider));
      if (repeated.body !== "") expect(JSON.parse(repeated.body)).toMatchObject({ notifications: 2, duplicates: 3 });
      expect((await repeated.enqueued()).map((n) => n.notification)).toEqual([one, other]);

      const thousand = Array.from({ length: 1000 }, () => item(door.user));
      const full = await sendSigned(provider, body(thousand));
      expect(full.status, full.body).toBe(acknowledged(provider));
      expect(await full.enqueued()).toHaveLength(1000);
      const over = await sendSigned(provider, body([...thousand, item(door.user)]));
      expect([over.status, over.body]).toEqual([400, expect.stringContaining("1001 notifications")]);
      expect(await over.enqueued()).toEqual([]);
    },
  );

  it.each(JSON_PROVIDERS)(
    "%s: a body that is not JSON, truncated, empty or a bare value is refused whole (400, or 401 where the proof is inside), counted",
    async (provider) => {
      const json = JSON.stringify(PUSHES[provider]!(door.user));
      const unreadable = PROOF_IN_BODY.has(provider) ? 401 : 400;
      for (const [what, text, status] of [
        ["not JSON", "userid=1&appli=1", unreadable],
        ["truncated", json.slice(0, -2), unreadable],
        ["empty", "", unreadable],
        ["JSON null", "null", unreadable],
        ["a number", "42", unreadable],
        ["a string", '"push"', unreadable],
      ] as const) {
        // Wahoo's token cannot be carried by these bodies: they are sent as they are, unsigned.
        const answer =
          provider === "WAHOO"
            ? await door.send(provider, { ...door.sign(provider, PUSHES.WAHOO!(door.user)), body: Buffer.from(text) })
            : await sendSigned(provider, Buffer.from(text));
        expect(answer.status, `${what}: ${answer.body}`).toBe(status);
        expect(await answer.enqueued()).toEqual([]);
      }
    },
  );

  it.each(SINGLE)(
    "%s: the push inside a list (a list where its object is expected) is refused whole — 400, or 401 where the proof is inside",
    async (provider) => {
      const payload = PUSHES[provider]!(door.user);
      const push = door.sign(provider, payload);
      // Wahoo's push is signed by its token, which must stay inside the (now listed) push.
      const listed =
        provider === "WAHOO"
          ? { ...push, body: Buffer.from(`[${push.body.toString("utf8")}]`) }
          : door.sign(provider, Buffer.from(`[${JSON.stringify(payload)}]`));
      const answer = await door.send(provider, listed);
      expect(answer.status, answer.body).toBe(PROOF_IN_BODY.has(provider) ? 401 : 400);
      expect(await answer.enqueued()).toEqual([]);
    },
  );

  it("a body past server.limits.hookBodyBytes is 413 before it is read — counted too_large and logged at warn", async () => {
    const before = await door.counted("GARMIN", "too_large");
    const huge = Buffer.from(JSON.stringify({ dailies: [{ userId: door.user, summaryId: randomUUID(), padding: "x".repeat(BODY_LIMIT) }] }));
    const answer = await sendSigned("GARMIN", huge);
    expect(answer.status).toBe(413);
    expect(await answer.enqueued()).toEqual([]);
    expect(await door.counted("GARMIN", "too_large")).toBe(before + 1);
    expect(lines.some((line) => line.includes('"level":40') && line.includes("hookBodyBytes") && line.includes("GARMIN"))).toBe(true);
  });

  it("a push to a provider that takes none here is 404, counted not_found and logged at warn", async () => {
    const before = await door.counted("unknown", "not_found");
    const answer = await door.request("POST", "/hooks/no-such-provider", { "content-type": "application/json" }, Buffer.from("{}"));
    expect(answer.status).toBe(404);
    expect(await door.counted("unknown", "not_found")).toBe(before + 1);
    expect(warnings("provider push refused: no provider of that name takes pushes here (unknown, disabled, or without a webhook)").length).toBeGreaterThan(0);
  });

  it.each(["FITBIT", "POLAR", "OURA", "WHOOP", "GARMIN", "INSIDERS"])(
    "%s: the content type is not trusted — a signed push sent as text/plain, a form, or with none is read as the provider's JSON",
    async (provider) => {
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
        const push = door.sign(provider, PUSHES[provider]!(door.user));
        const headers = { ...push.headers };
        if (contentType === undefined) delete headers["content-type"];
        else headers["content-type"] = contentType;
        const answer = await door.send(provider, { ...push, headers });
        expect(answer.status, `${contentType}: ${answer.body}`).toBe(acknowledged(provider));
        expect(await answer.enqueued(), String(contentType)).toHaveLength(1);
      }
    },
  );

  it.each(Object.keys(UNKNOWN_EVENT))(
    "%s: an event type it does not know is acknowledged (retrying cannot help), counted ignored, queued nowhere",
    async (provider) => {
      const before = await door.counted(provider, "ignored");
      const answer = await sendSigned(provider, UNKNOWN_EVENT[provider]!(door.user));
      expect(answer.status, answer.body).toBe(acknowledged(provider));
      expect(await answer.enqueued()).toEqual([]);
      expect(await door.counted(provider, "ignored")).toBe(before + 1);
    },
  );

  it.each(["FITBIT", "POLAR", "OURA", "WHOOP", "WAHOO", "STRAVA", "GARMIN", "WITHINGS", "INSIDERS", "SANDBOX"])(
    "%s: user ids nobody connected — unknown, with a NUL, a lone surrogate, or other unicode — acknowledged and counted; a good push beside them is not held up",
    async (provider) => {
      const before = await door.counted(provider, "unknown_user");
      const strangers = [
        String(900_000_000 + Math.floor(Math.random() * 1e8)),
        `${door.user}\u0000`,
        "\ud800",
        `${door.user}\u200b`,
        "ユーザー🏃",
        `${door.user}\u0000' OR '1'='1`,
      ];
      const numeric = ["POLAR", "WHOOP", "WAHOO", "STRAVA"].includes(provider);
      const pushes = strangers.map((stranger) => {
        if (provider === "WITHINGS") return { userid: stranger, appli: 1, startdate: 1775000000, enddate: 1775003600 };
        // The user id replaced, in whichever form the provider writes it (a number or a text).
        const json = JSON.stringify(PUSHES[provider]!(door.user));
        const replaced = numeric
          ? json.replace(new RegExp(`:${door.user}(?=[,}])`), `:${JSON.stringify(stranger)}`)
          : json.replace(`"${door.user}"`, JSON.stringify(stranger));
        expect(replaced).not.toBe(json);
        return JSON.parse(replaced) as unknown;
      });
      const answers = await Promise.all([...pushes.map((push) => sendSigned(provider, push)), sendSigned(provider, PUSHES[provider]!(door.user))]);
      for (const answer of answers.slice(0, -1)) {
        expect(answer.status, answer.body).toBe(acknowledged(provider));
        expect(await answer.enqueued()).toEqual([]);
      }
      expect(answers.at(-1)!.status).toBe(acknowledged(provider));
      expect(await answers.at(-1)!.enqueued()).toHaveLength(1);
      expect(await door.counted(provider, "unknown_user")).toBe(before + strangers.length);
    },
  );

  it.each(["POLAR", "WHOOP", "WAHOO", "STRAVA"])("%s: a numeric user id written as a string names the same user", async (provider) => {
    const json = JSON.stringify(PUSHES[provider]!(door.user)).replace(new RegExp(`:${door.user}(?=[,}])`), `:"${door.user}"`);
    expect(json).toContain(`"${door.user}"`);
    const answer = await sendSigned(provider, JSON.parse(json));
    expect(answer.status, answer.body).toBe(acknowledged(provider));
    expect((await answer.enqueued()).map((n) => n.providerUserId)).toEqual([door.user]);
  });

  it("accounts connected for different developers: each push reaches the connections of the account it names, and only those", async () => {
    const [a, b, both] = [1, 2, 3].map((n) => `dev-account-${n}-${randomUUID().slice(0, 8)}`) as [string, string, string];
    const connect = (providerUserId: string, developerId: string) =>
      door.app.store.createConnection({ provider: "OURA", providerUserId, developerId, referenceId: `ref-${developerId}` });
    const ofA = await connect(a, "dev-a");
    const ofB = await connect(b, "dev-b");
    const bothA = await connect(both, "dev-a");
    const bothB = await connect(both, "dev-b");
    const queuedFor = async (account: string) => {
      const answer = await sendSigned("OURA", PUSHES.OURA!(account));
      expect(answer.status).toBe(200);
      return (await answer.enqueued()).map((n) => n.userId).sort();
    };
    expect(await queuedFor(a)).toEqual([ofA.user_id]);
    expect(await queuedFor(b)).toEqual([ofB.user_id]);
    expect(await queuedFor(both)).toEqual([bothA.user_id, bothB.user_id].sort());
  });

  it.each(["FITBIT", "POLAR", "OURA", "WHOOP", "WAHOO", "STRAVA", "GARMIN", "WITHINGS", "INSIDERS", "SANDBOX"])(
    "%s: the same push sent twice at once is queued once; the other is refused as a replay",
    async (provider) => {
      const push = door.sign(provider, PUSHES[provider]!(door.user));
      const answers = await Promise.all([door.send(provider, push), door.send(provider, push)]);
      expect(answers.map((a) => a.status).sort()).toEqual([acknowledged(provider), 401].sort());
      const queued = (await Promise.all(answers.map((a) => a.enqueued()))).flat();
      expect(queued).toHaveLength(1);
    },
  );

  it("no log line carries a secret", () => {
    // Runs last: it reads what the tests above made the server log.
    for (const line of lines) for (const secret of door.secrets) expect(line).not.toContain(secret);
  });
});
