import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "@tributary/core/app";
import { loadConfigWithPlugins } from "@tributary/core/config";
import { silentLogger } from "@tributary/core/log";
import { waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import { createPostgresDatabase } from "@tributary/core/state";
import { decodeActivityFit, encodeActivityFit } from "@tributary/fit";
import type { Activity } from "@tributary/schemas";
import { s3DestinationOptionsYaml, startAwsEmulator, type AwsEmulator } from "@tributary/test-kit/emulators";
import { S3Reader } from "../../destinations/s3/test/s3-harness.ts";
import { spawnCli } from "../kit/spawn-cli.ts";

/*
 * The operator's path for FIT: an S3 destination switched to `format: both` in the config file gets each
 * activity's .fit beside its .json after a SANDBOX backfill; `tributary fit import` (its own process, on
 * the same PostgreSQL and Redis) delivers a FIT file as an activity, and quarantines one that is broken.
 */

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("FIT output and input, end to end", () => {
  const schema = `e2e_fit_${randomBytes(6).toString("hex")}`;
  const prefix = `test-e2e-fit-${randomUUID().slice(0, 12)}`;
  let dir: string;
  let configPath: string;
  let aws: AwsEmulator;
  let s3: S3Reader;
  let bucket: string;
  let app: App;
  let userId: string;

  const keys = () => s3.keys(bucket);
  const bytes = async (key: string) => (await s3.object(bucket, key)).bytes;
  const cli = async (...args: string[]) => {
    const run = spawnCli(["fit", "import", ...args, "-c", configPath, "--queue-prefix", prefix]);
    const { code } = await run.exited;
    return { code, output: run.output() };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-e2e-fit-"));
    aws = await startAwsEmulator();
    bucket = aws.createBucket(`tributary-${randomUUID()}`);
    s3 = new S3Reader(aws);
    configPath = join(dir, "tributary.yaml");
    await writeFile(
      configPath,
      `redis: { url: "${REDIS_URL}" }
database: { url: "${DATABASE_URL}", schema: ${schema} }
dataDir: "${join(dir, "data")}"
encryptionKey: "${randomBytes(32).toString("base64")}"
api: { apiKeys: ["${randomBytes(12).toString("hex")}"] }
plugins: ["@tributary/connector-sandbox", "@tributary/destination-s3"]
providers: { SANDBOX: { backfillDays: 5 } }
destinations:
  - name: lake
    type: s3
    format: both          # Terra's layout: each activity's .fit beside its .json
    options: ${s3DestinationOptionsYaml(aws, bucket)}
`,
    );
    const { config, registry } = await loadConfigWithPlugins({ path: configPath });
    app = await buildApp({ config, registry, log: silentLogger(), prefix });
    app.startWorkers();
  });

  afterAll(async () => {
    if (app) {
      await Promise.all(app.ctx.queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await app.close();
    }
    s3?.client.destroy();
    await aws?.stop();
    const admin = await createPostgresDatabase({ url: DATABASE_URL });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.close());
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("after a SANDBOX backfill the bucket holds each activity's .json and .fit side by side, the .fit decoding to the same activity", {
    timeout: 120_000,
  }, async () => {
    ({
      user: { user_id: userId },
    } = await connectUser(app.ctx, { provider: "SANDBOX", referenceId: "fit-e2e" }));
    await waitForIdle(app.ctx.queues, { timeoutMs: 100_000 });
    expect(await app.ctx.store.listDeadLetters({})).toEqual([]);

    const activityKeys = (await keys()).filter((key) => key.includes("/activity/"));
    const json = activityKeys.filter((key) => key.endsWith(".json"));
    const fit = activityKeys.filter((key) => key.endsWith(".fit"));
    expect(json.length).toBeGreaterThan(0);
    expect(fit.map((key) => key.replace(/\.fit$/, ""))).toEqual(json.map((key) => key.replace(/\.json$/, "")));
    expect((await keys()).some((key) => key.includes("/daily/") && key.endsWith(".fit"))).toBe(false);

    for (const key of json) {
      const record = (JSON.parse(Buffer.from(await bytes(key)).toString("utf8")).data as Activity[])[0]!;
      const decoded = decodeActivityFit(await bytes(key.replace(/\.json$/, ".fit")), { summaryId: record.metadata.summary_id });
      expect(decoded.metadata).toMatchObject({ type: record.metadata.type, start_time: record.metadata.start_time, end_time: record.metadata.end_time });
      expect(decoded.heart_rate_data?.summary?.max_hr_bpm).toBe(record.heart_rate_data?.summary?.max_hr_bpm);
    }
  });

  it("`tributary fit import` delivers a FIT file as an activity of the user, to every destination", { timeout: 60_000 }, async () => {
    const fitKey = (await keys()).find((key) => key.endsWith(".fit"))!;
    const file = join(dir, "upload.fit");
    await writeFile(file, await bytes(fitKey));
    const { code, output } = await cli(file, "--user", userId, "--summary-id", "imported-ride");
    expect(code, output).toBe(0);
    expect(output).toContain("✓ activity imported-ride");
    await waitForIdle(app.ctx.queues, { timeoutMs: 30_000 });
    const imported = (await keys()).filter((key) => key.includes("-imported-ride."));
    expect(imported.map((key) => key.slice(key.lastIndexOf(".")))).toEqual([".fit", ".json"]);
    const json = JSON.parse(Buffer.from(await bytes(imported[1]!)).toString("utf8"));
    expect(json.user.user_id).toBe(userId);
    expect(json.data[0].metadata).toMatchObject({ summary_id: "imported-ride", upload_type: 2 });
  });

  it("a truncated or corrupt file is quarantined with its reason and the file, and nothing of it is delivered", { timeout: 60_000 }, async () => {
    const good = encodeActivityFit(decodeActivityFit(await bytes((await keys()).find((key) => key.endsWith(".fit"))!)));
    const before = await keys();
    const cases = [
      ["truncated.fit", good.subarray(0, Math.floor(good.length / 2)), "ERR_FIT_TRUNCATED"],
      ["corrupt.fit", Uint8Array.from(good, (byte, i) => (i === 500 ? byte ^ 0xff : byte)), "ERR_FIT_CORRUPT"],
    ] as const;
    for (const [name, content, code] of cases) {
      const file = join(dir, name);
      await writeFile(file, content);
      const run = await cli(file, "--user", userId);
      expect(run.code, run.output).toBe(1);
      expect(run.output).toContain(code);
      expect(run.output).toContain("quarantined");
    }
    await waitForIdle(app.ctx.queues, { timeoutMs: 30_000 });
    expect(await keys()).toEqual(before);
    const quarantined = await app.ctx.store.listQuarantine({ userId });
    expect(quarantined.map((entry) => entry.issues[0]?.message)).toEqual([
      expect.stringContaining("ERR_FIT_CORRUPT"),
      expect.stringContaining("ERR_FIT_TRUNCATED"),
    ]);
    const raw = quarantined[0]!.raw as { source: string; size_bytes: number; sha256: string; fit_base64: string };
    expect(raw.source).toContain("corrupt.fit");
    expect(Buffer.from(raw.fit_base64, "base64").length).toBe(raw.size_bytes);
  });

  it("an unknown user is refused before anything is read into the pipeline", { timeout: 60_000 }, async () => {
    const file = join(dir, "upload.fit");
    const run = await cli(file, "--user", randomUUID());
    expect(run.code).toBe(2);
    expect(run.output).toContain("ERR_CONNECTION_NOT_FOUND");
  });
});
