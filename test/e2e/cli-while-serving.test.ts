import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "@tributary/core/state";
import { freePort } from "../kit/free-port.ts";
import { spawnCli, type CliProcess } from "../kit/spawn-cli.ts";
import { until } from "../kit/until.ts";
import { startRecordingReceiver, type RecordingReceiver } from "./recording-receiver.ts";

/*
 * `tributary connect`, `pause`, `resume` and `deauth` as an operator runs them while `tributary serve` is
 * running, on each kind of store: the embedded one (which only the server may open: the CLI asks it through
 * its control socket) and PostgreSQL (which the CLI opens itself).
 */

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const stores = [
  { name: "the embedded store", database: () => "" },
  { name: "PostgreSQL", database: (schema: string) => `database: { url: "${DATABASE_URL}", schema: ${schema} }` },
];

describe.each(stores)("the CLI while serve runs on $name", ({ database }) => {
  const schema = `e2e_${randomBytes(6).toString("hex")}`;
  const prefix = `test-e2e-${randomUUID().slice(0, 12)}`;
  const apiKey = randomBytes(16).toString("hex");
  const devId = "operator";
  let dir: string;
  let config: string;
  let port: number;
  let serve: CliProcess | undefined;
  let receiver: RecordingReceiver;

  // The config alone says which store: no DATABASE_URL from the test's environment.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  const cli = async (...args: string[]) => {
    const run = spawnCli([...args, "-c", config, "--queue-prefix", prefix], env);
    const { code } = await run.exited;
    return { code, output: run.output() };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-e2e-cli-"));
    const signingSecret = randomBytes(12).toString("hex");
    receiver = await startRecordingReceiver({ signingSecret });
    port = await freePort();
    config = join(dir, "tributary.yaml");
    await writeFile(
      config,
      [
        `server: { host: 127.0.0.1, port: ${port} }`,
        `redis: { url: "${REDIS_URL}" }`,
        database(schema),
        `dataDir: "${join(dir, "data")}"`,
        `encryptionKey: "${randomBytes(32).toString("base64")}"`,
        `api: { devId: ${devId}, apiKeys: ["${apiKey}"], signingSecret: "${signingSecret}" }`,
        `plugins: ["@tributary/connector-sandbox", "@tributary/destination-webhook"]`,
        `providers: { SANDBOX: { backfillDays: 1 } }`,
        `destinations: [{ name: app, type: webhook, options: { url: "${receiver.url}" } }]`,
      ].join("\n"),
    );
    serve = spawnCli(["serve", "-c", config, "--queue-prefix", prefix, "--no-scheduler"], env);
    await until("serve to start", async () => (serve!.output().includes('"msg":"tributary started"') ? true : undefined), 90_000).catch((error: Error) => {
      throw new Error(`${error.message}; output:\n${serve!.output()}`);
    });
  }, 120_000);

  afterAll(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill("SIGKILL");
    await serve?.exited;
    await receiver?.close();
    if (database(schema)) {
      const admin = await createPostgresDatabase({ url: DATABASE_URL });
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.close());
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const userInfo = async (userId: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/v2/userInfo?user_id=${userId}`, { headers: { "dev-id": devId, "x-api-key": apiKey } });
    return (await response.json()) as { is_authenticated: boolean; user: { paused_at: string | null } };
  };

  it("connect, pause, resume and deauth work, and their events reach the destination", async () => {
    // On the embedded store the server is the one holding it, and takes the CLI's actions on its socket.
    expect(serve!.output().includes("control socket listening for CLI actions")).toBe(database(schema) === "");
    const connected = await cli("connect", "--provider", "SANDBOX", "--reference-id", "cli-user", "--wait");
    expect(connected.code, connected.output).toBe(0);
    const userId = /^([0-9a-f-]{36})$/m.exec(connected.output)?.[1];
    expect(userId, connected.output).toBeDefined();
    expect(connected.output).toContain("[7/7]");
    await until("the auth event", async () =>
      receiver.arrivals.some((a) => a.payload.type === "auth" && (a.payload.user as { user_id: string }).user_id === userId) ? true : undefined,
    );

    expect((await cli("pause", userId!)).code).toBe(0);
    expect((await userInfo(userId!)).user.paused_at).not.toBeNull();
    const resumed = await cli("resume", userId!);
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toMatch(/resumed; 7 pulls queued/);
    expect((await userInfo(userId!)).user.paused_at).toBeNull();

    const first = await cli("deauth", userId!);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain("deactivated; erasure + deauth queued for 1 destination(s)");
    const second = await cli("deauth", userId!);
    expect(second.code).toBe(0);
    expect(second.output).toContain("was already deauthorized");
    expect((await userInfo(userId!)).is_authenticated).toBe(false);
    await until("the deauth event", async () => (receiver.arrivals.some((a) => a.payload.type === "deauth") ? true : undefined));
  }, 240_000);

  it("reports an unknown user or provider as the operator's mistake, with the error code", async () => {
    const unknown = await cli("deauth", randomUUID());
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain("ERR_CONNECTION_NOT_FOUND");
    const provider = await cli("connect", "--provider", "NOPE");
    expect(provider.code).toBe(2);
    expect(provider.output).toContain("ERR_PLUGIN_UNKNOWN");
  }, 120_000);

  it("serve still stops cleanly on SIGTERM", async () => {
    serve!.child.kill("SIGTERM");
    expect(await serve!.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
