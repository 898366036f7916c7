// `pnpm measure:startup` (about a minute; Redis and PostgreSQL on this machine): how long `api` and
// `worker` take from exec to "tributary started", and their RSS once idle, run from the TypeScript sources
// through tsx (development) and from the compiled output (production; run `pnpm build` first). Median of
// --rounds (default 3).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = fileURLToPath(new URL("..", import.meta.url));
// pg is core's dependency, not the workspace root's.
const pg = createRequire(join(root, "core/package.json"))("pg");
const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 3;
const databaseUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
if (!existsSync(join(root, "core/dist/cli/main.js"))) throw new Error("no compiled output: run pnpm build first");

const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts;
const flagsOf = (role) => /^node\s+(.*?)\s*--conditions=production/.exec(scripts[role])[1].split(/\s+/).filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), "tributary-startup-"));
const schema = `startup_${randomBytes(4).toString("hex")}`;
const config = join(dir, "tributary.yaml");
writeFileSync(
  config,
  [
    `server: { port: 0 }`,
    `redis: { url: "${redisUrl}" }`,
    `database: { url: "${databaseUrl}", schema: ${schema} }`,
    `dataDir: "${join(dir, "data")}"`,
    `encryptionKey: "${randomBytes(32).toString("base64")}"`,
    `api: { apiKeys: ["${randomBytes(16).toString("hex")}"] }`,
    `providers: { SANDBOX: {} }`,
  ].join("\n"),
);

const modes = {
  "tsx (sources)": (role) => [...flagsOf(role), "--import", "tsx", join(root, "core/src/cli/main.ts")],
  "node (compiled)": (role) => [...flagsOf(role), "--conditions=production", join(root, "core/dist/cli/main.js")],
};

async function once(args) {
  const started = performance.now();
  const child = spawn(process.execPath, [...args, "-c", config, "--no-scheduler", "--queue-prefix", `startup-${schema}`], {
    cwd: root,
    env: { ...process.env, LOG_FORMAT: "json", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const startupMs = await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes('"msg":"tributary started"')) resolve(performance.now() - started);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before starting:\n${output}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))[1]);
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  return { startupMs, rssMb: rssKb / 1024 };
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
try {
  console.log(`role    mode              start-up   idle RSS   (median of ${rounds})`);
  for (const role of ["api", "worker"]) {
    for (const [mode, args] of Object.entries(modes)) {
      const runs = [];
      for (let i = 0; i < rounds; i++) runs.push(await once([...args(role), role]));
      console.log(
        `${role.padEnd(7)} ${mode.padEnd(17)} ${`${Math.round(median(runs.map((r) => r.startupMs)))} ms`.padStart(8)}   ${`${median(runs.map((r) => r.rssMb)).toFixed(0)} MB`.padStart(8)}`,
      );
    }
  }
} finally {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
}
