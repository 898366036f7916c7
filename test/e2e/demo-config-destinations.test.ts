import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeActivityFit } from "@tributary/fit";
import { TEST_REDIS_URL } from "@tributary/test-kit";
import { s3DestinationOptionsYaml, startAwsEmulator, type AwsEmulator } from "@tributary/test-kit/emulators";
import { S3Reader } from "../../destinations/s3/test/s3-harness.ts";
import { spawnCli } from "../kit/spawn-cli.ts";

/*
 * Issue 15's operator: `tributary demo --config tributary.yaml` with an S3 destination switched to
 * `format: both` leaves each activity's .json and .fit side by side in the bucket. The config lends only
 * its destinations: the demo keeps its embedded store and its own queue prefix (the file's database is
 * unreachable, the deployment's data folder and queue prefix stay untouched).
 */
describe("the demo delivering to a config's destinations (tributary demo --config)", () => {
  const deploymentPrefix = `test-demo-deployment-${randomUUID().slice(0, 8)}`;
  let dir: string;
  let configPath: string;
  let aws: AwsEmulator;
  let s3: S3Reader;
  let bucket: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-demo-config-"));
    aws = await startAwsEmulator();
    bucket = aws.createBucket(`tributary-${randomUUID()}`);
    s3 = new S3Reader(aws);
    configPath = join(dir, "tributary.yaml");
    await writeFile(
      configPath,
      `redis: { url: "${TEST_REDIS_URL}" }
database: { url: "postgres://nobody@127.0.0.1:1/deployment" }
dataDir: "${join(dir, "deployment")}"
encryptionKey: "${randomBytes(32).toString("base64")}"
api: { apiKeys: ["${randomBytes(12).toString("hex")}"] }
plugins: ["@tributary/connector-sandbox", "@tributary/destination-s3"]
destinations:
  - name: lake
    type: s3
    format: both
    options: ${s3DestinationOptionsYaml(aws, bucket)}
`,
    );
  });

  afterAll(async () => {
    s3?.client.destroy();
    await aws?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("puts each activity's <key>.json and <key>.fit side by side in the S3 destination, on the demo's own store and queues", { timeout: 180_000 }, async () => {
    const demoDir = join(dir, "demo-data");
    const run = spawnCli(["demo", "--no-widget", "--days", "5", "--data-dir", demoDir, "--config", configPath], {
      ...process.env,
      REDIS_URL: TEST_REDIS_URL,
      TRIBUTARY_QUEUE_PREFIX: deploymentPrefix,
    });
    const { code } = await run.exited;
    const output = run.output();
    expect(code, output).toBe(0);
    expect(output).toContain(`• Also delivering to the destinations of ${configPath}: lake (s3, format both)`);
    expect(output).toMatch(/✓ Done: \d+ signed payloads/);

    const activityKeys = (await s3.keys(bucket)).filter((key) => key.includes("/activity/"));
    const json = activityKeys.filter((key) => key.endsWith(".json"));
    expect(json.length).toBeGreaterThan(0);
    expect(activityKeys.filter((key) => key.endsWith(".fit")).map((key) => key.replace(/\.fit$/, ""))).toEqual(json.map((key) => key.replace(/\.json$/, "")));
    for (const key of json) {
      const record = JSON.parse(Buffer.from((await s3.object(bucket, key)).bytes).toString("utf8")).data[0];
      const fit = decodeActivityFit((await s3.object(bucket, key.replace(/\.json$/, ".fit"))).bytes, { summaryId: record.metadata.summary_id });
      expect(fit.metadata.start_time).toBe(record.metadata.start_time);
    }
    // Other data types arrive as JSON only.
    expect((await s3.keys(bucket)).some((key) => key.includes("/sleep/") && key.endsWith(".json"))).toBe(true);

    expect(existsSync(join(demoDir, "db"))).toBe(true);
    expect(existsSync(join(dir, "deployment"))).toBe(false);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${deploymentPrefix}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it("refuses a file with no destination to deliver to, before anything runs", { timeout: 60_000 }, async () => {
    const empty = join(dir, "empty.yaml");
    await writeFile(empty, `api: { apiKeys: ["${randomBytes(12).toString("hex")}"] }\ndestinations: []\n`);
    const run = spawnCli(["demo", "--no-widget", "--data-dir", join(dir, "never"), "--config", empty], { ...process.env, REDIS_URL: TEST_REDIS_URL });
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.output()).toContain("has no enabled destination for the demo to deliver to");
    expect(existsSync(join(dir, "never"))).toBe(false);
  });
});
