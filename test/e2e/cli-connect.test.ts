import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMockFixtures, mockFromSpec, type MockProvider } from "@tributary/core/mock-provider";
import { loadConnectorFile } from "@tributary/core/spec";
import { createPostgresDatabase, createStateStore, createTokenCipher, migrate, type Database, type StateStore } from "@tributary/core/state";
import { spawnCli } from "../kit/spawn-cli.ts";
import { encodingsOf, findInAnyColumn } from "../../core/test/state/find-plaintext.ts";

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const RILEY = { id: "19b4722da494c08b0b0c130cd89ab344", token: "pasted-riley-token" };
const JORDAN = { username: "jordan.rivers", password: "xert-jordan" };

/**
 * `tributary connect` for the providers a user connects by typing something in — PELOTON's pasted token,
 * XERT's username and password — against their mocks, as an operator runs it (its own process, on
 * PostgreSQL): through the auth service the widget's form uses, the account checked with the provider,
 * the tokens stored encrypted, nothing typed in kept in clear.
 */
describe("tributary connect with a token or a username and password", () => {
  const schema = `e2e_connect_${randomBytes(5).toString("hex")}`;
  const prefix = `test-connect-${randomUUID().slice(0, 12)}`;
  const encryptionKey = randomBytes(32).toString("base64");
  const mocks: Record<"peloton" | "xert", MockProvider> = {} as never;
  let dir: string;
  let config: string;
  let db: Database;
  let store: StateStore;

  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  const connect = async (...args: string[]) => {
    const run = spawnCli(["connect", ...args, "-c", config, "--queue-prefix", prefix], env);
    const { code } = await run.exited;
    return { code, output: run.output() };
  };
  /** The user id the command printed on stdout (its last line that is one). */
  const userIdIn = (output: string) => /^[0-9a-f]{8}-[0-9a-f-]{27}$/m.exec(output)?.[0];

  beforeAll(async () => {
    const peloton = loadConnectorFile(new URL("../../connectors/peloton/", import.meta.url).pathname);
    const xert = loadConnectorFile(new URL("../../connectors/xert/", import.meta.url).pathname);
    mocks.peloton = mockFromSpec(peloton.spec, await loadMockFixtures(join(peloton.dir!, "fixtures"), peloton.spec), { errors: "peloton" });
    mocks.xert = mockFromSpec(xert.spec, await loadMockFixtures(join(xert.dir!, "fixtures"), xert.spec));
    await Promise.all([mocks.peloton.listen(), mocks.xert.listen()]);
    dir = await mkdtemp(join(tmpdir(), "tributary-cli-connect-"));
    config = join(dir, "tributary.yaml");
    await writeFile(
      config,
      [
        `redis: { url: "${REDIS_URL}" }`,
        `database: { url: "${DATABASE_URL}", schema: ${schema} }`,
        `dataDir: "${join(dir, "data")}"`,
        `encryptionKey: "${encryptionKey}"`,
        `api: { devId: operator, apiKeys: ["${randomBytes(16).toString("hex")}"] }`,
        "providers:",
        `  PELOTON: { baseUrl: "${mocks.peloton.urls().baseUrl}" }`,
        `  XERT: { baseUrl: "${mocks.xert.urls().baseUrl}", tokenUrl: "${mocks.xert.urls().tokenUrl}" }`,
        "",
      ].join("\n"),
    );
    db = await createPostgresDatabase({ url: DATABASE_URL, schema });
    await migrate(db);
    store = createStateStore({ db, cipher: createTokenCipher({ key: encryptionKey }) });
  }, 60_000);

  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db?.close();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await Promise.all([mocks.peloton?.close(), mocks.xert?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("PELOTON with a pasted token: the account asked of Peloton, the token stored encrypted, the backfill queued", { timeout: 120_000 }, async () => {
    const { code, output } = await connect("--provider", "PELOTON", "--token", RILEY.token, "--reference-id", "riley-cli");
    expect(code, output).toBe(0);
    expect(output).toMatch(/✓ connected PELOTON user [0-9a-f-]{36}; [1-9]\d* backfill jobs queued/);
    const connection = await store.getConnection(userIdIn(output)!);
    // The provider's user id came from Peloton's account request, made with the pasted token.
    expect(connection).toMatchObject({ provider: "PELOTON", provider_user_id: RILEY.id, reference_id: "riley-cli", developer_id: "operator", active: true });
    expect(mocks.peloton.requests.some((r) => r.path.endsWith("/api/me") && r.status === 200)).toBe(true);
    expect(await store.getTokens(connection!.user_id)).toMatchObject({ auth_type: "bearer_token", access_token: RILEY.token });
    expect(await findInAnyColumn(db, encodingsOf(RILEY.token))).toEqual([]);
  });

  it("XERT with a username and password: Xert's password grant, its tokens stored encrypted, the password nowhere", { timeout: 120_000 }, async () => {
    const { code, output } = await connect("--provider", "XERT", "--username", JORDAN.username, "--password", JORDAN.password);
    expect(code, output).toBe(0);
    const connection = await store.getConnection(userIdIn(output)!);
    expect(connection).toMatchObject({ provider: "XERT", provider_user_id: JORDAN.username, active: true });
    const tokens = await store.getTokens(connection!.user_id);
    expect(tokens).toMatchObject({
      auth_type: "oauth2_password",
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_at: expect.any(Number),
    });
    expect(mocks.xert.requests.filter((r) => r.path.endsWith("/oauth/token") && r.status === 200)).toHaveLength(1);
    expect(
      await findInAnyColumn(db, [
        ...encodingsOf(JORDAN.password),
        ...encodingsOf(tokens!.access_token as string),
        ...encodingsOf(tokens!.refresh_token as string),
      ]),
    ).toEqual([]);
    expect(output).not.toContain(JORDAN.password);
  });

  it("a refused token, a provider that needs credentials without them, and the wrong kind: one clear line each, nothing connected", {
    timeout: 180_000,
  }, async () => {
    const before = await store.listConnections({});
    const wrong = await connect("--provider", "PELOTON", "--token", "not-a-peloton-token");
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/✗ .*ERR_AUTH_INVALID.*PELOTON refused the token/);
    const missing = await connect("--provider", "PELOTON");
    expect(missing.code).not.toBe(0);
    expect(missing.output).toMatch(/✗ .*PELOTON connects with a pasted token: --token <token>/);
    const kind = await connect("--provider", "XERT", "--token", RILEY.token);
    expect(kind.code).not.toBe(0);
    expect(kind.output).toMatch(/✗ .*XERT does not connect with a pasted token.*--username <name> --password <password>/s);
    expect(await store.listConnections({})).toEqual(before);
  });
});
