import { createHash, randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTerraPayload } from "@tributary/core/contracts";
import { replayFingerprint } from "@tributary/core/ingress";
import { MAX_STALLS, waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import { jobId, type PullJobData } from "@tributary/core/queue";
import type { DeadLetter } from "@tributary/core/state";
import { childNodePids } from "../kit/child-processes.ts";
import { signatureSpellings } from "../kit/hostile-client.ts";
import { spawnCli } from "../kit/spawn-cli.ts";
import { until } from "../kit/until.ts";
import { legitimateTraffic, startProcessDeployment, type ProcessDeployment } from "./process-deployment.ts";

/*
 * Hostile input against Tributary as it runs in production: `tributary api` and a `tributary worker`
 * (two copies, as `--processes 2` runs them, with the package scripts' heap limit) on real Redis and
 * PostgreSQL. Each attack class runs while legitimate pushes keep coming from another address, and every
 * one of those must be answered 2xx and delivered.
 */

const POISON = fileURLToPath(new URL("./fixtures/poison-connector.ts", import.meta.url));
const unexpectedExits = (output: string) => output.split("a tributary process exited unexpectedly").length - 1;

describe("hostile input", () => {
  let d: ProcessDeployment;
  let legitUser: { userId: string; providerUserId: string };
  const poisonSecret = randomBytes(16).toString("hex");

  beforeAll(async () => {
    d = await startProcessDeployment({
      server: "limits: { requestTimeoutSeconds: 3, headersTimeoutSeconds: 2 }, rateLimit: { max: 600, perSeconds: 10, maxRejected: 20, maxBytes: 20971520 }",
      plugins: [POISON],
      providers: `POISON: { pushSecret: "${poisonSecret}" }`,
      workerArgs: ["--processes", "2", "--concurrency", "8"],
    });
    legitUser = await d.sandboxUser();
  }, 300_000);
  afterAll(async () => {
    await d?.close();
  });

  /** Runs `attack` while legitimate traffic flows, then checks that traffic: all 2xx, all delivered. */
  const underAttack = async <T>(attack: () => Promise<T>): Promise<T> => {
    const legit = legitimateTraffic(d, legitUser);
    const result = await attack();
    const { refused, undelivered } = await legit.stop();
    expect(legit.sent.length).toBeGreaterThan(0);
    expect(refused).toEqual([]);
    expect(undelivered).toEqual([]);
    return result;
  };
  const hook = (body: Buffer, headers: Record<string, string>, from?: string) =>
    d.client.send({ path: "/hooks/sandbox", body, headers, ...(from ? { from } : {}) });

  it("replays: one captured request is accepted once, however its signature is spelled", async () => {
    await underAttack(async () => {
      const user = await d.sandboxUser();
      const id = `replayed-${randomUUID()}`;
      const captured = d.signed([{ event: "activity.push", owner_id: user.providerUserId, records: [d.activityRecord(id)] }]);
      expect((await hook(captured.rawBody, captured.headers)).status).toBe(200);
      const header = captured.headers["x-sandbox-signature"]!;
      const again = await Promise.all([
        ...signatureSpellings(header).map((spelling) => hook(captured.rawBody, { ...captured.headers, "x-sandbox-signature": spelling })),
        hook(captured.rawBody, captured.headers),
        hook(captured.rawBody, captured.headers, "127.0.0.9"),
      ]);
      expect(again.map((answer) => answer.status)).toEqual(again.map(() => 401));

      // Signed by a clock 280 s ahead: remembered until that timestamp leaves the window, not 300 s from now.
      const now = Math.floor(Date.now() / 1000);
      const ahead = d.signed([{ event: "test", owner_id: user.providerUserId }], now + 280);
      expect((await hook(ahead.rawBody, ahead.headers)).status).toBe(200);
      const fingerprint = replayFingerprint("SANDBOX", {
        signedAt: now + 280,
        toleranceSeconds: 300,
        bodyDigest: createHash("sha256").update(ahead.rawBody).digest("hex"),
      });
      expect(await d.app.producer.redis.ttl(`${d.prefix}:hooks:seen:${fingerprint}`)).toBeGreaterThan(570);
      return id;
    }).then(async (id) => {
      await waitForIdle(d.app.ctx.queues, { timeoutMs: 60_000 });
      expect([...d.receiver.delivered()].filter(([key]) => key.endsWith(id))).toEqual([[`activity/${id}`, 1]]);
    });
  }, 180_000);

  it("a ping naming 1970–2999 pulls the provider's history in bounded slices; no worker dies", async () => {
    const primary = d.workers[0]!.child.pid!;
    const copies = await childNodePids(primary);
    const exitsBefore = unexpectedExits(d.workers[0]!.output());
    const user = await d.sandboxUser();
    await underAttack(async () => {
      const iso = d.signed([{ event: "activity.ping", owner_id: user.providerUserId, window: { start: "1970-01-01T00:00:00Z", end: "2999-12-31T00:00:00Z" } }]);
      const unix = d.signed([{ event: "sleep.ping", owner_id: user.providerUserId, window: { start: "0", end: "32503680000" } }]);
      expect((await hook(iso.rawBody, iso.headers)).status).toBe(200);
      expect((await hook(unix.rawBody, unix.headers)).status).toBe(200);
      // The pulls those pings asked for (their ids are the user, type and window the provider named).
      const pulls = [jobId("ping", user.userId, "activity", 0, Date.parse("2999-12-31T00:00:00Z")), jobId("ping", user.userId, "sleep", 0, 32503680000 * 1000)];
      for (const id of pulls) {
        await until(
          `pull ${id} to complete`,
          async () => ((await (await d.app.ctx.queues.pull.getJob(id))?.getState()) === "completed" ? true : undefined),
          240_000,
          500,
        );
      }
    });
    await waitForIdle(d.app.ctx.queues, { timeoutMs: 240_000, settleMs: 1000 });
    // Two years of workouts with samples (~150 MB of JSON) went through a worker with a 160 MB heap.
    const activities = d.receiver.entries.filter((entry) => entry.userId === user.userId && entry.type === "activity");
    const keys = activities.flatMap((entry) => entry.keys);
    // The least active SANDBOX profile trains 2.5 days a week: some 260 workouts in two years.
    expect(keys.length).toBeGreaterThan(250);
    expect(activities.length).toBeGreaterThan(10);
    expect(Math.max(...activities.map((entry) => entry.bytes))).toBeLessThan(5 * 1024 * 1024);
    expect(d.receiver.entries.some((entry) => entry.userId === user.userId && entry.type === "sleep")).toBe(true);
    expect(unexpectedExits(d.workers[0]!.output())).toBe(exitsBefore);
    expect(await childNodePids(primary)).toEqual(copies);
    expect(await d.app.ctx.store.listDeadLetters({ queue: "pull" })).toEqual([]);
  }, 300_000);

  it("jobs that kill their worker end as dead letters after a bounded number of crashes; the workers carry on", async () => {
    const primary = d.workers[0]!.child.pid!;
    const exitsBefore = unexpectedExits(d.workers[0]!.output());
    const owner = `poison-${randomUUID()}`;
    // Connecting queues its backfill, a poison pull of its own; the ping below asks for a second one.
    const { user } = await connectUser(d.app.ctx, { provider: "POISON", providerUserId: owner });
    const runs = MAX_STALLS.pull + 1;
    await underAttack(async () => {
      const rawBody = Buffer.from(
        JSON.stringify({ notifications: [{ event: "daily.ping", owner_id: owner, window: { start: "2026-01-01", end: "2026-01-02" } }] }),
      );
      const headers = { "content-type": "application/json", "x-poison-signature": signTerraPayload(poisonSecret, rawBody) };
      expect((await d.client.send({ path: "/hooks/poison", body: rawBody, headers })).status).toBe(200);
      const mine = async () => (await d.app.ctx.store.listDeadLetters({ queue: "pull" })).filter((l) => (l.job_data as PullJobData).userId === user.user_id);
      await until(
        "the poison pulls' dead letters",
        async () => ((await mine()).length === 2 ? true : undefined),
        // Each crash is noticed by a stall check once the job's lock expires, and the dead copy is replaced
        // with a growing delay while copies keep dying young: minutes on a busy machine.
        330_000,
        1000,
      );
      // As the operator sees them.
      const list = spawnCli(["dead-letters", "list", "--json", "--queue", "pull", "-c", d.configPath, "--queue-prefix", d.prefix]);
      expect((await list.exited).code, list.output()).toBe(0);
      const listed = list
        .output()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as DeadLetter);
      const letters = listed.filter((l) => (l.job_data as PullJobData).userId === user.user_id);
      expect(letters.map((l) => l.id).sort()).toEqual((await mine()).map((l) => l.id).sort());
      expect(letters.map((letter) => (letter.job_data as PullJobData).reason).sort()).toEqual(["backfill", "ping"]);
      for (const letter of letters) {
        expect(letter).toMatchObject({ error_code: "ERR_JOB_STALLED", job_name: "POISON:daily" });
        expect(letter.error).toContain(`stalled ${runs} times`);
      }
    });
    // Each run killed the copy running it (the two pulls may have shared a copy); then they were failed,
    // not run again — and the primary kept replacing its copies, even when both had died at once.
    const exits = () => unexpectedExits(d.workers[0]!.output()) - exitsBefore;
    expect(exits()).toBeGreaterThanOrEqual(runs);
    expect(exits()).toBeLessThanOrEqual(2 * runs);
    const settled = exits();
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect(exits()).toBe(settled);
    expect(d.workers[0]!.child.exitCode).toBeNull();
    await until("two worker copies", async () => ((await childNodePids(primary)).length === 2 ? true : undefined), 60_000);
  }, 600_000);

  it("a signed push nested 10,000 levels deep is refused 400, and the pushes enqueued beside it are not touched", async () => {
    await underAttack(async () => {
      const deep = `{"notifications":[{"event":"activity.push","owner_id":"${legitUser.providerUserId}","records":[${"[".repeat(10_000)}${"]".repeat(10_000)}]}]}`;
      const signed = {
        rawBody: Buffer.from(deep),
        headers: { "content-type": "application/json", "x-sandbox-signature": signTerraPayload(d.pushSecret, deep) },
      };
      // Sent in the same instant as legitimate pushes, so they share an event-loop turn on the server.
      const [nested, ...legit] = await Promise.all([hook(signed.rawBody, signed.headers), ...Array.from({ length: 30 }, () => d.legitPush(legitUser))]);
      expect(nested.status).toBe(400);
      expect(JSON.parse(nested.text).message).toMatch(/nested deeper/);
      expect(legit.map(({ answer }) => answer.status)).toEqual(legit.map(() => 200));
      await until("the pushes beside it to be delivered", async () => (legit.every(({ key }) => d.receiver.delivered().has(key)) ? true : undefined));
    });
  }, 180_000);

  it("NUL characters: an unknown user is acknowledged, an invalid record is quarantined, a valid one delivered", async () => {
    await underAttack(async () => {
      const unknown = d.signed([{ event: "activity.push", owner_id: "evil\u0000id", records: [] }]);
      const answer = await hook(unknown.rawBody, unknown.headers);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ status: "accepted", notifications: 0, skipped: 1 });

      const invalidId = `nul\u0000${randomUUID()}`;
      const validId = `ok-${randomUUID()}`;
      const records = d.signed([
        { event: "activity.push", owner_id: legitUser.providerUserId, records: [{ id: invalidId, sport: "\u0000" }] },
        { event: "activity.push", owner_id: legitUser.providerUserId, records: [{ ...d.activityRecord(validId), title: "Morning\u0000Run" }] },
      ]);
      expect((await hook(records.rawBody, records.headers)).status).toBe(200);
      await until("the invalid record in quarantine", async () =>
        (await d.app.ctx.store.listQuarantine({ userId: legitUser.userId, limit: 1000 })).find((q) =>
          JSON.stringify(q.raw).includes(invalidId.replace("\u0000", "\\\\u0000")),
        ),
      );
      await until("the valid record delivered", async () => (d.receiver.delivered().has(`activity/${validId}`) ? true : undefined));
    });
    expect(await d.app.ctx.store.listDeadLetters({ queue: "ingest" })).toEqual([]);
  }, 180_000);

  it("60,000 user ids in one request are refused 400 at once; a request at the cap is acknowledged", async () => {
    await underAttack(async () => {
      // Pings (ignored notifications need no user, so they cost no lookup), each naming an unknown account.
      const window = { start: "2026-04-01T00:00:00Z", end: "2026-04-02T00:00:00Z" };
      const many = (n: number) =>
        d.signed(Array.from({ length: n }, (_, i) => ({ event: "daily.ping" as const, owner_id: `nobody-${i}-${randomUUID()}`, window })));
      const flood = d.signed(Array.from({ length: 60_000 }, (_, i) => ({ event: "daily.ping" as const, owner_id: `n${i}` }) as never));
      const refused = await hook(flood.rawBody, flood.headers);
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.text).message).toContain("at most 1000");
      const atCap = await Promise.all(Array.from({ length: 4 }, () => many(1000)).map((request) => hook(request.rawBody, request.headers)));
      expect(atCap.map((a) => [a.status, JSON.parse(a.text).skipped])).toEqual(atCap.map(() => [200, 1000]));
    });
  }, 180_000);

  it("open doors: prototype event names, slow clients, unknown providers, oversized, unsigned and mis-signed floods, /metrics", async () => {
    await underAttack(async () => {
      for (const event of ["__proto__", "constructor", "toString"]) {
        const signed = d.signed([{ event, owner_id: legitUser.providerUserId } as never]);
        expect((await hook(signed.rawBody, signed.headers)).status, event).toBe(400);
      }

      // 100 clients that promise 4 MB and send ten bytes: closed once the request timeout (3 s) is up.
      const slow = Array.from({ length: 100 }, (_, i) =>
        d.client.hold(
          `POST /hooks/sandbox HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-sandbox-signature: t=${Math.floor(Date.now() / 1000)},v1=${"a".repeat(64)}\r\nContent-Length: 4000000\r\n\r\n{"notific`,
          `127.0.0.${2 + (i % 3)}`,
        ),
      );
      // Headers never finished: closed once the header timeout (2 s) is up.
      const slower = Array.from({ length: 20 }, () => d.client.hold("POST /hooks/sandbox HTTP/1.1\r\nHost: x\r\nX-Slow: ", "127.0.0.5"));
      const closed = await Promise.all(
        [...slow, ...slower].map((held) => Promise.race([held.closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20_000))])),
      );
      expect(closed.filter((c) => c === undefined)).toHaveLength(0);

      // An unknown provider is answered without its body being read; so is a push with no signature.
      const unknown = d.client.hold("POST /hooks/nope HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n", "127.0.0.6");
      const unsigned = d.client.hold("POST /hooks/sandbox HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n", "127.0.0.6");
      expect((await unknown.closed).received).toMatch(/^HTTP\/1\.1 404/);
      expect((await unsigned.closed).received).toMatch(/^HTTP\/1\.1 401/);

      // Bodies of 5 MiB: refused before they are read (unsigned), or as too large (over the 5 MiB limit).
      const big = randomBytes(5 * 1024 * 1024);
      const flood = await Promise.all(
        Array.from({ length: 20 }, () =>
          d.client.send({ path: "/hooks/sandbox", body: big, headers: { "content-type": "application/json" }, from: "127.0.0.7" }),
        ),
      );
      expect(flood.some((a) => a.status === 401)).toBe(true);
      expect(flood.filter((a) => a.status !== 0 && a.status !== 401)).toEqual([]);
      const now = Math.floor(Date.now() / 1000);
      const tooLarge = Buffer.concat([big, Buffer.from("x")]);
      const oversized = await d.client.send({
        path: "/hooks/sandbox",
        body: tooLarge,
        headers: { "x-sandbox-signature": signTerraPayload(d.pushSecret, tooLarge, now) },
        from: "127.0.0.11",
      });
      expect([413, 0]).toContain(oversized.status);

      // One source over its budget gets 429 with Retry-After; others are not affected.
      const burst = await Promise.all(Array.from({ length: 700 }, () => d.client.send({ path: "/hooks/sandbox", body: Buffer.from("{}"), from: "127.0.0.8" })));
      const limited = burst.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(100);
      expect(Number(limited[0]!.headers["retry-after"])).toBeGreaterThan(0);

      // A source whose requests keep failing verification is refused unread once over maxRejected.
      const misSigned = [];
      for (let i = 0; i < 30; i++) {
        const body = Buffer.from(`{"notifications":[],"n":${i}}`);
        misSigned.push(
          (await d.client.send({ path: "/hooks/sandbox", body, headers: { "x-sandbox-signature": `t=${now},v1=${"b".repeat(64)}` }, from: "127.0.0.10" }))
            .status,
        );
      }
      expect(misSigned.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(misSigned.slice(20)).toEqual(Array(10).fill(429));

      // A source that holds the secret and sends large signed bodies is held to its byte budget (20 MiB per window).
      const heavy = Buffer.from(JSON.stringify({ notifications: Array.from({ length: 60_000 }, (_, i) => ({ event: "test", owner_id: `nobody-${i}` })) }));
      const heavyAnswers = [];
      const allowed = Math.ceil((20 * 1024 * 1024) / heavy.length);
      for (let i = 0; i < allowed + 3; i++) {
        const headers = { "content-type": "application/json", "x-sandbox-signature": signTerraPayload(d.pushSecret, heavy, now + i) };
        heavyAnswers.push((await d.client.send({ path: "/hooks/sandbox", body: heavy, headers, from: "127.0.0.12" })).status);
      }
      expect(heavyAnswers.slice(0, allowed)).toEqual(Array(allowed).fill(400));
      expect(heavyAnswers.slice(allowed)).toHaveLength(3);
      expect(heavyAnswers.slice(allowed).every((status) => status === 429 || status === 0)).toBe(true);

      // Metrics are not for the public: the API key (basic auth, as Prometheus sends it) is needed.
      expect((await d.client.send({ method: "GET", path: "/metrics" })).status).toBe(401);
      const scraped = await d.client.send({
        method: "GET",
        path: "/metrics",
        headers: { authorization: `Basic ${Buffer.from(`p:${d.apiKey}`).toString("base64")}` },
      });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toMatch(/tributary_provider_webhooks_total\{provider="SANDBOX",outcome="rate_limited"\} [1-9]/);
    });
  }, 240_000);

  it("a deployment refuses to start with a secret published in the demo or the examples", async () => {
    const published = d.configPath.replace(/tributary\.yaml$/, "published.yaml");
    const { readFile, writeFile } = await import("node:fs/promises");
    await writeFile(published, (await readFile(d.configPath, "utf8")).replace(/pushSecret: "[0-9a-f]+"/, 'pushSecret: "sandbox-push-secret"'));
    const api = spawnCli(["api", "-c", published, "--queue-prefix", `${d.prefix}-refused`]);
    expect((await api.exited).code).toBe(2);
    expect(api.output()).toContain("providers.SANDBOX.pushSecret: is a secret published with Tributary");
  }, 60_000);
});
