/**
 * `pnpm fuzz-hooks`: thousands of malformed, oversized, mis-signed, replayed and otherwise hostile requests
 * at `/hooks/<provider>` of a real `tributary api` (with a `tributary worker` and a local webhook
 * destination behind it), with the deployment's default limits, while legitimate signed pushes keep
 * coming at a fixed rate. Prints the answers each category got, the API's RSS before and after, the
 * p50/p99 acknowledgement latency of the legitimate pushes before and during the attack, and whether all
 * of them were delivered. Loopback only; bounded by --count (hostile requests) and --seconds.
 */
import { fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { signTerraPayload } from "@tributary/core/contracts";
import { createHostileClient, signatureSpellings, type Answer } from "../kit/hostile-client.ts";
import { startBenchReceiver } from "./bench-receiver.ts";
import { createBenchUsers, dropDeployment, obliterate, startProcess, writeBenchConfig, type BenchDeployment } from "./bench-app.ts";
import { cpuPerUnit, cpuSnapshot } from "./cpu-accounting.ts";
import { fmt, percentile } from "./percentiles.ts";
import type { LegitPlan, LegitResult } from "./fuzz-legit-traffic.ts";
import { activityTemplates, preparePushes, type PreparedRequest } from "./workloads.ts";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "5000" },
    seconds: { type: "string", default: "45" },
    rate: { type: "string", default: "50" },
    /** Only the categories whose name matches (a regular expression), for finding which one costs what. */
    only: { type: "string" },
  },
});
const HOSTILE_REQUESTS = Number(values.count);
const ATTACK_SECONDS = Number(values.seconds);
const LEGIT_RATE = Number(values.rate);
const BASELINE_SECONDS = 5;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
if (!/^redis:\/\/(127\.0\.0\.1|localhost)[:/]/.test(redisUrl) || !/@(127\.0\.0\.1|localhost)[:/]/.test(databaseUrl)) {
  throw new Error("fuzz-hooks runs on this machine only: REDIS_URL and the database must be on loopback");
}

/** One kind of hostile request: what it sends (and from which loopback address), or a held connection. */
interface Category {
  name: string;
  /** Each category is its own source address, so the per-source limits show per category. */
  from: string;
  make?: (n: number) => { method?: string; path: string; body?: Buffer; headers?: Record<string, string> };
  /** Held connections instead of requests: the head they send before going quiet. */
  hold?: (n: number) => string;
  concurrency: number;
}

const signedWith = (secret: string, text: string | Buffer, nowSeconds?: number) => {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return { path: "/hooks/sandbox", body, headers: { "content-type": "application/json", "x-sandbox-signature": signTerraPayload(secret, body, nowSeconds) } };
};

function categories(secret: string, owner: string, captured: PreparedRequest[]): Category[] {
  const now = () => Math.floor(Date.now() / 1000);
  const fiveMiB = randomBytes(5 * 1024 * 1024);
  const oversized = Buffer.concat([fiveMiB, Buffer.from("x")]);
  const tooMany = JSON.stringify({ notifications: Array.from({ length: 60_000 }, (_, i) => ({ event: "test", owner_id: `nobody-${i}` })) });
  const deep = `{"notifications":[{"event":"activity.push","owner_id":"${owner}","records":[${"[".repeat(10_000)}${"]".repeat(10_000)}]}]}`;
  const garbageHeaders: Array<Record<string, string>> = [
    {},
    { "content-type": "text/html" },
    { "x-sandbox-signature": "t=\u00ff,v1=\u00fe" },
    { "x-sandbox-signature": "t=,v1=" },
    { "x-sandbox-signature": `t=${"9".repeat(2000)},v1=${"a".repeat(64)}` },
    { "content-type": "application/json; charset=utf-7" },
  ];
  let n = 0;
  return [
    {
      name: "replayed (exact bytes)",
      from: "127.0.0.20",
      concurrency: 4,
      make: (i) => ({ path: "/hooks/sandbox", body: captured[i % captured.length]!.body, headers: captured[i % captured.length]!.headers }),
    },
    {
      name: "respelled signature",
      from: "127.0.0.21",
      concurrency: 4,
      make: (i) => {
        const request = captured[i % captured.length]!;
        const spellings = signatureSpellings(request.headers["x-sandbox-signature"]!);
        return { path: "/hooks/sandbox", body: request.body, headers: { ...request.headers, "x-sandbox-signature": spellings[i % spellings.length]! } };
      },
    },
    { name: "stale timestamp (signed)", from: "127.0.0.22", concurrency: 4, make: () => signedWith(secret, `{"notifications":[],"n":${n++}}`, now() - 3600) },
    {
      name: "mis-signed",
      from: "127.0.0.23",
      concurrency: 4,
      make: () => ({
        path: "/hooks/sandbox",
        body: Buffer.from(`{"notifications":[],"n":${n++}}`),
        headers: { "x-sandbox-signature": `t=${now()},v1=${randomBytes(32).toString("hex")}` },
      }),
    },
    {
      name: "unsigned 5 MiB bodies",
      from: "127.0.0.24",
      concurrency: 4,
      make: () => ({ path: "/hooks/sandbox", body: fiveMiB, headers: { "content-type": "application/json" } }),
    },
    {
      name: "oversized (signed, 5 MiB + 1)",
      from: "127.0.0.25",
      concurrency: 2,
      make: () => ({ path: "/hooks/sandbox", body: oversized, headers: { "x-sandbox-signature": `t=${now()},v1=${"c".repeat(64)}` } }),
    },
    {
      name: "malformed JSON (signed)",
      from: "127.0.0.26",
      concurrency: 4,
      make: () => signedWith(secret, `{"notifications": [${randomBytes(64).toString("base64")}`),
    },
    { name: "nested 10,000 deep (signed)", from: "127.0.0.27", concurrency: 4, make: () => signedWith(secret, deep) },
    { name: "60,000 user ids (signed)", from: "127.0.0.28", concurrency: 2, make: () => signedWith(secret, tooMany) },
    {
      name: "prototype event names (signed)",
      from: "127.0.0.29",
      concurrency: 4,
      make: (i) =>
        signedWith(
          secret,
          JSON.stringify({ notifications: [{ event: ["__proto__", "constructor", "toString", "hasOwnProperty"][i % 4], owner_id: owner, n: n++ }] }),
        ),
    },
    {
      name: "NUL in user ids (signed)",
      from: "127.0.0.30",
      concurrency: 4,
      make: () => signedWith(secret, JSON.stringify({ notifications: [{ event: "test", owner_id: `nul\u0000${n++}` }] })),
    },
    {
      name: "unknown provider (1 MiB)",
      from: "127.0.0.31",
      concurrency: 4,
      make: () => ({ path: `/hooks/${randomUUID()}`, body: fiveMiB.subarray(0, 1024 * 1024) }),
    },
    {
      name: "garbage (methods, headers, bytes)",
      from: "127.0.0.32",
      concurrency: 4,
      make: (i) => ({
        method: ["POST", "PUT", "PATCH", "DELETE", "GET"][i % 5],
        path: ["/hooks/sandbox", "/hooks/", "/hooks/sandbox?x=%ff", "/hooks/%2e%2e/admin", "/hooks/SANDBOX/extra"][i % 5]!,
        body: randomBytes(i % 4096),
        headers: garbageHeaders[i % garbageHeaders.length]!,
      }),
    },
    { name: "flood (one source)", from: "127.0.0.33", concurrency: 32, make: () => ({ path: "/hooks/sandbox", body: Buffer.from("{}") }) },
    { name: "slow headers (held)", from: "127.0.0.34", concurrency: 0, hold: () => "POST /hooks/sandbox HTTP/1.1\r\nHost: x\r\nX-Slow: " },
    {
      name: "slow body, 4 MB promised (held)",
      from: "127.0.0.35",
      concurrency: 0,
      hold: () => `POST /hooks/sandbox HTTP/1.1\r\nHost: x\r\nx-sandbox-signature: t=${now()},v1=${"a".repeat(64)}\r\nContent-Length: 4000000\r\n\r\n{"notific`,
    },
  ];
}

/** The API's own histogram of /hooks durations for 200 answers: cumulative bucket counts by upper bound. */
async function hookLatencies(deployment: BenchDeployment): Promise<Map<string, number>> {
  const apiKey = /apiKeys: \["([^"]+)"\]/.exec(await readFile(deployment.configPath, "utf8"))![1]!;
  const text = await (await fetch(`http://127.0.0.1:${deployment.port}/metrics`, { headers: { "x-api-key": apiKey } })).text();
  const buckets = new Map<string, number>();
  for (const match of text.matchAll(
    /^tributary_http_request_duration_seconds_bucket\{le="([^"]+)",method="POST",route="\/hooks\/:provider",status_code="200"\} (\d+)$/gm,
  )) {
    buckets.set(match[1]!, Number(match[2]));
  }
  return buckets;
}

/** The smallest bucket bound holding 99 % of the 200 answers between two scrapes. */
function serverP99(before: Map<string, number>, after: Map<string, number>): string {
  const total = (after.get("+Inf") ?? 0) - (before.get("+Inf") ?? 0);
  for (const [bound, count] of after) {
    if (count - (before.get(bound) ?? 0) >= 0.99 * total) return bound === "+Inf" ? "∞" : `${Number(bound) * 1000} ms`;
  }
  return "n/a";
}

async function rssMiB(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

const tally = (answers: Array<Answer | string>) => {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    const key = typeof answer === "string" ? answer : answer.status ? String(answer.status) : `closed (${answer.error ?? "no answer"})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${key} ×${fmt(count)}`)
    .join("  ");
};

async function main(): Promise<void> {
  const receiverSecret = randomBytes(16).toString("hex");
  const receiver = await startBenchReceiver(receiverSecret);
  // The deployment's own defaults: limits, timeouts, per-source rate limit.
  const deployment = await writeBenchConfig({ redisUrl, databaseUrl, receiverUrl: receiver.url, receiverSecret, server: "" });
  const api = await startProcess("api", deployment);
  const worker = await startProcess("worker", deployment);
  try {
    const users = await createBenchUsers(deployment, 10);
    const client = createHostileClient(deployment.port);
    const apiPid = api.child.pid!;

    // Legitimate pushes at a fixed rate from 127.0.0.1, in a process of their own.
    const legitProcess = fork(fileURLToPath(new URL("./fuzz-legit-traffic.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"] });
    const legitDone = new Promise<LegitResult[]>((resolve) =>
      legitProcess.on("message", (message: { results?: LegitResult[] }) => message.results && resolve(message.results)),
    );
    await new Promise<void>((resolve) => {
      legitProcess.on("message", (message: { ready?: true }) => message.ready && resolve());
      legitProcess.send({
        plan: {
          port: deployment.port,
          secret: deployment.pushSecret,
          users,
          rate: LEGIT_RATE,
          seconds: BASELINE_SECONDS + ATTACK_SECONDS + 10,
        } satisfies LegitPlan,
      });
    });
    await new Promise((resolve) => setTimeout(resolve, BASELINE_SECONDS * 1000));

    const before = await rssMiB(apiPid);
    const beforeServer = await hookLatencies(deployment);
    const processes = { api: [apiPid], worker: await worker.pids() };
    const cpuBefore = await cpuSnapshot(processes);
    // Requests the API accepted a moment ago, to replay: pushes as a provider signed them.
    const captured = preparePushes(deployment.pushSecret, users, 20, 1, activityTemplates());
    await Promise.all(captured.map((request) => client.send({ path: "/hooks/sandbox", body: request.body, headers: request.headers, from: "127.0.0.19" })));
    const all = categories(deployment.pushSecret, users[0]!.providerUserId, captured).filter((c) => !values.only || new RegExp(values.only, "i").test(c.name));
    const requesters = all.filter((c) => c.make);
    const perCategory = Math.ceil(HOSTILE_REQUESTS / requesters.length);
    const deadline = performance.now() + ATTACK_SECONDS * 1000;
    const attackFrom = performance.now();
    legitProcess.send({ attack: true });
    const results = new Map<string, Array<Answer | string>>(all.map((c) => [c.name, []]));

    const attacks = requesters.map(async (category) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: category.concurrency }, async () => {
          while (next < perCategory && performance.now() < deadline) {
            const n = next++;
            results.get(category.name)!.push(await client.send({ ...category.make!(n), from: category.from, timeoutMs: 20_000 }));
          }
        }),
      );
    });
    const holds = all
      .filter((c) => c.hold)
      .map(async (category) => {
        const held = Array.from({ length: 50 }, (_, n) => client.hold(category.hold!(n), category.from));
        const outcomes = await Promise.all(
          held.map(({ socket, closed }) =>
            Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ATTACK_SECONDS * 1000))]).then((outcome) => {
              socket.destroy();
              if (!outcome) return "still open at the end";
              const status = /^HTTP\/1\.1 (\d+)/.exec(outcome.received)?.[1];
              return `closed by the server after ${(outcome.afterMs / 1000).toFixed(0)} s${status ? ` (${status})` : ""}`;
            }),
          ),
        );
        results.get(category.name)!.push(...outcomes);
      });
    await Promise.all([...attacks, ...holds]);
    const attackSeconds = (performance.now() - attackFrom) / 1000;
    const cpuAfter = await cpuSnapshot(processes);
    legitProcess.send({ stop: true });
    const legit = await legitDone;
    const after = await rssMiB(apiPid);
    const afterServer = await hookLatencies(deployment);

    // Every acknowledged legitimate push must reach the destination.
    const acknowledged = legit.filter((l) => l.status === 200);
    const missing = await receiver.waitForKeys(
      acknowledged.flatMap((l) => l.keys),
      60_000,
    );

    const sent = [...results.values()].reduce((sum, answers) => sum + answers.length, 0);
    console.log(
      `\nfuzz-hooks: ${fmt(sent)} hostile requests/connections in ${attackSeconds.toFixed(1)} s against tributary api (default limits), legitimate pushes at ${LEGIT_RATE}/s alongside\n`,
    );
    for (const category of all)
      console.log(`  ${category.name.padEnd(36)} ${String(results.get(category.name)!.length).padStart(5)}   ${tally(results.get(category.name)!)}`);
    const latencies = (phase: "baseline" | "attack") => legit.filter((l) => l.phase === phase && l.status === 200).map((l) => l.latency);
    const statusLine = (phase: "baseline" | "attack") =>
      tally(legit.filter((l) => l.phase === phase).map((l) => ({ status: l.status, text: "", headers: {} })));
    console.log("");
    console.log(
      `  legitimate, before the attack         ${String(latencies("baseline").length).padStart(5)}   ${statusLine("baseline")}   p50 ${fmt(percentile(latencies("baseline"), 50), 1)} ms  p99 ${fmt(percentile(latencies("baseline"), 99), 1)} ms`,
    );
    console.log(
      `  legitimate, during the attack         ${String(latencies("attack").length).padStart(5)}   ${statusLine("attack")}   p50 ${fmt(percentile(latencies("attack"), 50), 1)} ms  p99 ${fmt(percentile(latencies("attack"), 99), 1)} ms`,
    );
    // Each source starts the attack with its whole budget: what the rest of it costs once the limits bite.
    const settled = legit.filter((l) => l.phase === "attack" && l.status === 200 && l.sinceAttack >= 5000).map((l) => l.latency);
    console.log(
      `  legitimate, attack after its first 5 s ${String(settled.length).padStart(5)}   p50 ${fmt(percentile(settled, 50), 1)} ms  p99 ${fmt(percentile(settled, 99), 1)} ms`,
    );
    console.log(`  legitimate pushes delivered           ${fmt(acknowledged.length - missing)} of ${fmt(acknowledged.length)} acknowledged`);
    console.log(`  API-side duration of 200s, attack      p99 ≤ ${serverP99(beforeServer, afterServer)} (histogram bucket)`);
    // On a shared 2-core host the latencies say as much about the neighbours as about the API: where the CPU went.
    // Per unit of a million µs of the attack: CPU seconds per second, i.e. cores.
    const cpu = Object.entries(cpuPerUnit(cpuBefore, cpuAfter, attackSeconds * 1e6))
      .filter(([, cores]) => (cores ?? 0) >= 0.005)
      .map(([party, cores]) => `${party} ${fmt(cores ?? 0, 2)}`)
      .join(" · ");
    console.log(`  CPU cores busy during the attack      ${cpu}`);
    console.log(`  API RSS                               before ${fmt(before.rss)} MiB, after ${fmt(after.rss)} MiB (peak ${fmt(after.peak)} MiB)`);
    console.log(`  worker RSS (peak)                     ${fmt(await worker.peakRssMiB())} MiB`);
    console.log(
      `  options                               --count ${HOSTILE_REQUESTS} --seconds ${ATTACK_SECONDS} --rate ${LEGIT_RATE}${values.only ? ` --only ${values.only}` : ""}\n`,
    );
    client.close();
  } finally {
    await api.stop();
    await worker.stop();
    await receiver.close();
    await obliterate(deployment);
    await dropDeployment(deployment);
  }
}

await main();
