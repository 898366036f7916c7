import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@tributary/core/log";
import { sendPush, signPush, type MockProvider } from "@tributary/core/mock-provider";
import { waitForIdle } from "@tributary/core/runtime";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectToMock } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { encodingsOf, findInAnyColumn } from "../../core/test/state/find-plaintext.ts";
import { aboutBrokenRide, garmin, garminFixtures, NOOR as GARMIN_USER } from "../../connectors/garmin/test/garmin.ts";
import { NOOR as OURA_USER, oura, ouraFixtures } from "../../connectors/oura/test/oura.ts";
import { SAM as WAHOO_USER, wahoo, wahooFixtures } from "../../connectors/wahoo/test/wahoo.ts";
import { freePort } from "../kit/free-port.ts";
import { TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { startListeningApp, type ListeningApp } from "./listening-app.ts";

/**
 * Secrets that arrive with provider pushes — a Garmin ping's callbackURL token and userAccessToken,
 * Wahoo's shared webhook_token, a signed push's signature and a token it carries — never rest in clear:
 * pushes that end quarantined or dead-lettered go through the running app (HTTP ingress, ingest, a
 * destination that refuses everything) on the PGlite store, and then every column of every table, every
 * log line and every Redis key the app left is searched for each secret in every encoding.
 */
describe("secrets of provider pushes never rest in clear: database, logs, Redis", () => {
  const secret = (name: string) => `${name}-${randomBytes(12).toString("hex")}`;
  const wahooToken = secret("wahoo-webhook-token");
  const ouraSecret = secret("oura-client-secret");
  const secrets = {
    garminUserAccessToken: secret("garmin-uat"),
    garminPingToken: secret("garmin-ping"),
    garminElsewhereToken: secret("garmin-elsewhere"),
    garminRefusedToken: secret("garmin-refused"),
    wahooToken,
    ouraSecret,
    ouraCarried: secret("oura-carried"),
    ouraForged: secret("oura-forged-secret"),
  };
  const lines: string[] = [];
  const log = createLogger({
    level: "trace",
    format: "json",
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    }),
  });
  const definitions: Record<string, ConnectorDefinition> = { GARMIN: garmin(), WAHOO: wahoo(), OURA: oura() };
  const mocks: Record<string, MockProvider> = {};
  const signatures: string[] = [];
  let t: ListeningApp;
  let hooks: string;

  beforeAll(async () => {
    const fixtures = {
      GARMIN: await garminFixtures(definitions.GARMIN),
      WAHOO: await wahooFixtures(definitions.WAHOO),
      OURA: await ouraFixtures(definitions.OURA),
    };
    for (const name of Object.keys(definitions))
      mocks[name] = await startMockProvider(definitions[name]!.spec, fixtures[name as keyof typeof fixtures], { autoClose: false });
    const port = await freePort();
    const refusing = await freePort();
    hooks = `http://127.0.0.1:${port}/hooks`;
    const provider = (name: string, more = "") =>
      `  ${name}: { clientId: mock-client-id, clientSecret: ${name === "OURA" ? ouraSecret : "mock-client-secret"}, baseUrl: "${mocks[name]!.urls().baseUrl}"${more} }`;
    t = await startListeningApp({
      prefix: "secrets",
      definitions: Object.values(definitions),
      log,
      yaml: `
server: { publicUrl: "http://127.0.0.1:${port}", host: 127.0.0.1, port: ${port} }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/destination-webhook"]
api: { devId: dev-secrets, apiKeys: ["key-${randomBytes(16).toString("hex")}"], signingSecret: "${randomBytes(12).toString("hex")}" }
providers:
${provider("GARMIN")}
${provider("WAHOO", `, pushSecret: ${wahooToken}`)}
${provider("OURA")}
delivery: { attempts: 1, backoffSeconds: 1 }
destinations:
  - { name: refusing, type: webhook, options: { url: "http://127.0.0.1:${refusing}/nothing-listens" } }
`,
    });
    const users = { GARMIN: GARMIN_USER, WAHOO: WAHOO_USER, OURA: OURA_USER };
    for (const [name, providerUserId] of Object.entries(users)) {
      const account = fixtures[name as keyof typeof fixtures].users.find((user) => String(user.id) === providerUserId)!;
      const connection = await connectToMock(mocks[name]!, account);
      const tokens = { auth_type: "oauth2", access_token: connection.credentials.accessToken, expires_at: Date.now() + 3_600_000, obtained_at: Date.now() };
      await t.store.createConnection({ provider: name, providerUserId, tokens });
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all(Object.values(mocks).map((mock) => mock.close()));
  });

  /** Signed as the provider signs (its signature headers remembered: they are secrets too), then sent. */
  const push = async (name: string, payload: unknown, secretOf = "") => {
    const webhook = definitions[name]!.spec.webhook!;
    const signed = signPush({
      verify: webhook.verify,
      encoding: webhook.body ?? "json",
      payload,
      secret: secretOf,
      hexCase: name === "OURA" ? "upper" : "lower",
    });
    for (const [header, value] of Object.entries(signed.headers)) if (/signature/i.test(header)) signatures.push(value);
    return sendPush(`${hooks}/${name}`, signed);
  };
  const example = (name: string, index: number) => structuredClone(definitions[name]!.spec.webhook!.examples![index]!.body) as any;

  it("pushes that end quarantined or dead-lettered keep their secrets scrubbed, a replay's original sealed", async () => {
    // GARMIN: a ride's file that does not decode (quarantined), and a ping naming a host that is not Garmin's (dead-lettered).
    const files = example("GARMIN", 3);
    const brokenRide = {
      ...aboutBrokenRide(files.activityFiles[0]),
      userAccessToken: secrets.garminUserAccessToken,
      callbackURL: `https://apis.garmin.com/wellness-api/rest/activityFile?id=21051230002&token=${secrets.garminPingToken}`,
    };
    expect((await push("GARMIN", { activityFiles: [brokenRide] })).status).toBe(200);
    const sleeps = example("GARMIN", 1);
    const elsewhere = {
      ...sleeps.sleeps[0],
      userAccessToken: secrets.garminUserAccessToken,
      callbackURL: `http://127.0.0.1:9/wellness-api/rest/sleeps?uploadStartTimeInSeconds=1&uploadEndTimeInSeconds=2&token=${secrets.garminElsewhereToken}`,
    };
    expect((await push("GARMIN", { sleeps: [elsewhere] })).status).toBe(200);
    // A ping Garmin's API refuses: the error quotes the URL it fetched, token and all.
    const refused = {
      ...elsewhere,
      callbackURL: `https://apis.garmin.com/wellness-api/rest/no-such-summaries?uploadStartTimeInSeconds=1&token=${secrets.garminRefusedToken}`,
    };
    expect((await push("GARMIN", { dailies: [refused] })).status).toBe(200);

    const day = example("GARMIN", 0);
    expect((await push("GARMIN", { dailies: [{ ...day.dailies[0], userAccessToken: secrets.garminUserAccessToken }] })).status).toBe(200);

    // WAHOO: a workout the provider does not know; OURA: a signed push carrying a token, about a sleep Oura does not know.
    const workout = example("WAHOO", 0);
    workout.workout_summary.workout.id = 999_999_001;
    expect((await push("WAHOO", { ...workout, webhook_token: wahooToken }, wahooToken)).status).toBe(200);
    const sleep = { ...example("OURA", 0), object_id: "00000000-0000-4000-8000-000000000000", access_token: secrets.ouraCarried };
    expect((await push("OURA", sleep, ouraSecret)).status).toBe(200);
    // OURA, hostile: signed with a key that is not ours; signed, but not JSON.
    expect((await push("OURA", example("OURA", 0), secrets.ouraForged)).status).toBe(401);
    expect((await push("OURA", `{"access_token":"${secrets.ouraCarried}",`, ouraSecret)).status).toBe(400);

    await waitForIdle(t.app.ctx.queues, { timeoutMs: 60_000, settleMs: 500 });
    const quarantined = await t.store.listQuarantine({ provider: "GARMIN" });
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]!.raw).toMatchObject({
      userAccessToken: "[redacted]",
      callbackURL: "https://apis.garmin.com/wellness-api/rest/activityFile?id=21051230002&token=[redacted]",
    });
    const letters = await t.store.listDeadLetters({ queue: "ingest" });
    expect(letters.map((letter) => letter.job_name).sort()).toEqual(["GARMIN:dailies", "GARMIN:sleeps", "OURA:sleep.create", "WAHOO:workout_summary"]);
    const garminLetter = letters.find((letter) => letter.job_name === "GARMIN:sleeps")!;
    expect(JSON.stringify(garminLetter.job_data)).toContain("&token=[redacted]");
    const ouraLetter = letters.find((letter) => letter.job_name === "OURA:sleep.create")!;
    expect(JSON.stringify(ouraLetter.job_data)).toContain('"access_token":"[redacted]"');
    // Only secrets go: the provider's error still names the record it does not know, which the operator acts on.
    expect(ouraLetter.error).toContain('answered 404: {"detail":"no sleep_periods record 00000000-0000-4000-8000-000000000000"}');
    // Wahoo's workout_token is the application's identifier of the workout, not a credential: it stays.
    expect(JSON.stringify(letters.find((letter) => letter.job_name === "WAHOO:workout_summary")!.job_data)).toContain('"workout_token":"ELEMNT 3B21:300"');
    // A replay gets the ping as Garmin sent it: the original is sealed with the token key.
    expect(JSON.stringify(await t.store.openDeadLetterJob(garminLetter.id))).toContain(`&token=${secrets.garminElsewhereToken}`);
    // The day a push carried (with a token it should not have) was refused by the destination: its delivery is a dead letter too.
    expect(await t.store.countDeadLetters({ queue: "deliver" })).toBe(1);
  }, 180_000);

  it("no secret in any encoding in any table, log line or Redis key", async () => {
    const needles = [...Object.values(secrets), ...signatures].flatMap(encodingsOf);
    expect(signatures.length).toBeGreaterThan(0);
    expect(await findInAnyColumn(t.store.db, needles)).toEqual([]);
    const logged = lines.join("");
    expect(lines.length).toBeGreaterThan(0);
    expect(needles.filter((needle) => logged.includes(needle))).toEqual([]);
    const redis = t.app.producer.redis;
    const keys = await redis.keys(`${t.app.ctx.queues.prefix}:*`);
    expect(keys.filter((key) => key.includes(":payload:"))).toEqual([]);
    const values: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === "string") values.push((await redis.get(key)) ?? "");
      else if (type === "hash") values.push(...Object.values(await redis.hgetall(key)));
      else if (type === "list") values.push(...(await redis.lrange(key, 0, -1)));
      else if (type === "set") values.push(...(await redis.smembers(key)));
      else if (type === "zset") values.push(...(await redis.zrange(key, 0, -1)));
      else if (type === "stream") values.push(JSON.stringify(await redis.xrange(key, "-", "+")));
    }
    const stored = values.join("\n");
    expect(needles.filter((needle) => stored.includes(needle))).toEqual([]);
  });
});
