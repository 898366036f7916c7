import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { ConnectorSpec } from "@tributary/schemas";
import type { Redis } from "ioredis";
import type { AuthConnected, AuthOutcome } from "../../../src/auth/auth-outcome.ts";
import { createAuthService, type AuthService, type AuthServiceOptions } from "../../../src/auth/auth-service.ts";
import { createLogger } from "../../../src/log/logger.ts";
import type { ProviderSettings } from "../../../src/runtime/runtime-context.ts";
import {
  createPgliteDatabase,
  createPostgresDatabase,
  createStateStore,
  createTokenCipher,
  migrate,
  type Database,
  type StateStore,
} from "../../../src/state/index.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../../state/test-databases.ts";
import { fetchTransport } from "./fetch-transport.ts";
import type { OAuthTestServer } from "./oauth-test-server.ts";
import { createTestSend } from "./test-send.ts";

export type StoreBackend = "postgres" | "pglite";

export interface TestStore {
  db: Database;
  store: StateStore;
  /** Base64 encryption key of `store`. */
  key: string;
  /** PostgreSQL schema (postgres backend only), for other processes to open the same store. */
  schema?: string;
  close(): Promise<void>;
}

export async function openTestStore(backend: StoreBackend): Promise<TestStore> {
  const schema = backend === "postgres" ? uniqueSchema() : undefined;
  const db = schema === undefined ? await createPgliteDatabase() : await createPostgresDatabase({ url: TEST_DATABASE_URL, schema });
  await migrate(db);
  const key = randomBytes(32).toString("base64");
  return {
    db,
    store: createStateStore({ db, cipher: createTokenCipher({ key }) }),
    key,
    ...(schema === undefined ? {} : { schema }),
    async close() {
      await db.close();
      if (schema !== undefined) await dropSchema(schema);
    },
  };
}

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A logger whose every line is kept, to check that no secret reaches a log. */
export function capturingLogger(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level: "debug", destination }), lines };
}

export interface ServiceHarness {
  service: AuthService;
  send: ReturnType<typeof createTestSend>;
  logLines: string[];
  redis: Redis;
  keyPrefix: string;
}

export function buildService(
  store: StateStore,
  redis: Redis,
  specs: Record<string, ConnectorSpec>,
  providers: Record<string, ProviderSettings>,
  apiBase: (provider: string) => string,
  extra: Partial<AuthServiceOptions> = {},
): ServiceHarness {
  const { log, lines } = capturingLogger();
  const keyPrefix = `test-auth-${randomBytes(4).toString("hex")}`;
  let current = "";
  const send = createTestSend(() => apiBase(current));
  const routed: AuthServiceOptions["send"] = (request, credentials, context) => {
    current = context.provider;
    return send(request, credentials, context);
  };
  const service = createAuthService({
    specOf: (provider) => specs[provider],
    providers,
    store,
    redis,
    transport: fetchTransport,
    send: routed,
    redirectUri: (provider) => `https://app.example/auth/callback/${provider.toLowerCase()}`,
    keyPrefix,
    log,
    ...extra,
  });
  return { service, send, logLines: lines, redis, keyPrefix };
}

/** The user's browser at the consent page: follows the authorize URL and returns the callback's query. */
export async function consent(authorizeUrl: string): Promise<URLSearchParams> {
  const response = await fetch(authorizeUrl, { redirect: "manual" });
  const location = response.headers.get("location");
  if (response.status !== 302 || location === null) throw new Error(`consent page answered ${response.status}: ${await response.text()}`);
  return new URL(location).searchParams;
}

export function connected(outcome: AuthOutcome): AuthConnected {
  if (!outcome.ok) throw new Error(`expected a connection, got ${outcome.reason}: ${outcome.message}`);
  return outcome;
}

/** A whole authorization code flow for `account` at `server`; the new connection's user_id. */
export async function connectAccount(service: AuthService, server: OAuthTestServer, provider: string, account: string): Promise<string> {
  server.account = { userId: account };
  const start = await service.beginAuthorization({ provider });
  return connected(await service.completeAuthorization({ provider, query: await consent(start.url) })).connection.user_id;
}
