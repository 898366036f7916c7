import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { buildApp, type App } from "../../src/app/build-app.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { defineConnector, type ConnectorDefinition } from "../../src/contracts/connector.ts";
import { defineDestination } from "../../src/contracts/destination.ts";
import { signTerraPayload } from "../../src/contracts/terra-signature.ts";
import { silentLogger, type Logger } from "../../src/log/logger.ts";
import { createPluginRegistry } from "../../src/registry/plugin-registry.ts";
import { createPgliteDatabase, createStateStore, createTokenCipher, migrate, type StateStore } from "../../src/state/index.ts";

export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const SIGNATURE_HEADER = "x-test-signature";

/**
 * A provider that pushes batches of signed notifications, Terra-style signature (`t=…,v1=…`), with a
 * Strava-like subscription handshake: what the ingress needs, without depending on a real connector.
 */
export const testPushConnector: ConnectorDefinition = pushConnector("TESTPUSH");

function pushConnector(name: string): ConnectorDefinition {
  return defineConnector({
    spec: {
      name,
      displayName: "Test push provider",
      dataTypes: ["activity"],
      auth: { type: "partner_push" },
      webhook: {
        verify: { scheme: "terra", header: SIGNATURE_HEADER, toleranceSeconds: 300 },
        batch: { type: "array", path: "/events" },
        userId: "/owner_id",
        eventType: "/kind",
        events: {
          activity: { action: "records", dataType: "activity", records: "/records" },
          deleted: { action: "ignore" },
        },
        handshakes: [{ type: "challenge", param: "hub.challenge", verifyTokenParam: "hub.verify_token", respond: "json" }],
      },
    },
    // The HTTP tests only look at what gets enqueued: records are never mapped here.
    hooks: { map: { activity: () => null } },
  });
}

/** A destination that accepts everything: the HTTP tests only look at what gets enqueued for it. */
export const sinkDestination = defineDestination<Record<string, never>>({
  name: "sink",
  optionsSchema: { type: "object" },
  create: (_options, ctx) => ({
    name: ctx.name,
    type: "sink",
    write: async () => undefined,
    delete: async () => undefined,
    check: async () => undefined,
    close: async () => undefined,
  }),
});

/** The same provider under another name, configured without a secret. */
export const unconfiguredPushConnector: ConnectorDefinition = pushConnector("NOSECRET");

export interface TestApp {
  app: App;
  store: StateStore;
  prefix: string;
  pushSecret: string;
  verifyToken: string;
  apiKey: string;
  /** Signed headers for `body` (timestamp now unless given). */
  sign(body: string, nowSeconds?: number): Record<string, string>;
  close(): Promise<void>;
}

export async function memoryStore(): Promise<StateStore> {
  const db = await createPgliteDatabase();
  await migrate(db);
  return createStateStore({ db, cipher: createTokenCipher({ key: randomBytes(32).toString("base64") }) });
}

/** The composed app on real Redis under a unique queue prefix, with an in-memory store. */
export async function startTestApp(options: { redisUrl?: string; store?: StateStore; log?: Logger; server?: string } = {}): Promise<TestApp> {
  const pushSecret = randomBytes(16).toString("hex");
  const verifyToken = randomBytes(8).toString("hex");
  const apiKey = `key-${randomBytes(12).toString("hex")}`;
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const config = parseConfig(
    [
      `redis: { url: "${redisUrl}" }`,
      ...(options.server ? [`server: ${options.server}`] : []),
      `api: { apiKeys: ["${apiKey}"] }`,
      "plugins: []",
      `providers: { TESTPUSH: { pushSecret: "${pushSecret}", verifyToken: "${verifyToken}" }, NOSECRET: { pushSecret: "" } }`,
      "delivery: { attempts: 4 }",
      "destinations: [{ name: sink, type: sink }]",
    ].join("\n"),
    { env: {} },
  );
  const registry = createPluginRegistry([testPushConnector, unconfiguredPushConnector, sinkDestination]);
  const store = options.store ?? (await memoryStore());
  const prefix = `test-http-${randomUUID().slice(0, 12)}`;
  const app = await buildApp({ config, registry, log: options.log ?? silentLogger(), prefix, store, http: { dependencyTimeoutMs: 1500 } });
  if (!(await app.producer.whenReady(10_000))) throw new Error(`Redis at ${redisUrl} is not reachable`);
  return {
    app,
    store,
    prefix,
    pushSecret,
    verifyToken,
    apiKey,
    sign: (body, nowSeconds) => ({ "content-type": "application/json", [SIGNATURE_HEADER]: signTerraPayload(pushSecret, body, nowSeconds) }),
    async close() {
      await app.close();
      await deleteKeys(redisUrl, prefix);
      await store.db.close();
    },
  };
}

/** Everything under the test's prefix: queues and replay claims. */
async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } catch {
    // Redis gone (the Redis-down test stops its own): nothing left to clean there.
  } finally {
    redis.disconnect();
  }
}
