/**
 * One worker process of the refresh race test: opens the same state store and Redis as its twin, then,
 * on each "go <mode>" line from the test, makes one job's provider call for the connection and prints
 * how it went. `expiry`: the stored token is past its expiry (refresh before the call); `401`: the
 * provider refuses a token the store still thinks fresh (refresh on 401).
 */
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { createAuthService } from "../../../src/auth/auth-service.ts";
import { createPostgresDatabase, createStateStore, createTokenCipher } from "../../../src/state/index.ts";
import { TEST_DATABASE_URL } from "../../state/test-databases.ts";
import { fetchTransport } from "./fetch-transport.ts";
import { genericAuth, specFor } from "./test-specs.ts";

export interface RefreshWorkerConfig {
  schema: string;
  key: string;
  redisUrl: string;
  keyPrefix: string;
  serverUrl: string;
  userId: string;
  clientId: string;
  clientSecret: string;
}

const config = JSON.parse(process.env.REFRESH_WORKER_CONFIG ?? "{}") as RefreshWorkerConfig;
const db = await createPostgresDatabase({ url: TEST_DATABASE_URL, schema: config.schema });
const redis = new Redis(config.redisUrl);
const spec = specFor("RACE", config.serverUrl, genericAuth());
const service = createAuthService({
  specOf: (provider) => (provider === "RACE" ? spec : undefined),
  providers: { RACE: { enabled: true, clientId: config.clientId, clientSecret: config.clientSecret } },
  store: createStateStore({ db, cipher: createTokenCipher({ key: config.key }) }),
  redis,
  transport: fetchTransport,
  send: () => Promise.reject(new Error("no provider requests in this test")),
  redirectUri: () => "https://app.example/auth/callback/race",
  keyPrefix: config.keyPrefix,
});

const fingerprint = (header: string | undefined) => (header === undefined ? null : createHash("sha256").update(header).digest("hex").slice(0, 16));

async function job(): Promise<{ status: number; token: string | null; refreshed?: boolean; error?: string }> {
  const credentials = await service.credentialsFor(config.userId);
  const call = async () => {
    const request = { headers: {} as Record<string, string>, url: new URL(`${config.serverUrl}/api/me`) };
    await credentials.apply(request);
    const response = await fetch(request.url, { headers: request.headers });
    return { status: response.status, token: fingerprint(request.headers.authorization) };
  };
  try {
    const first = await call();
    if (first.status !== 401) return first;
    const refreshed = await credentials.refresh();
    return { ...(refreshed ? await call() : first), refreshed };
  } catch (error) {
    return { status: 0, token: null, error: `${(error as { code?: string }).code ?? ""} ${(error as Error).message}` };
  }
}

process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "exit") break;
  if (line.startsWith("go")) process.stdout.write(`${JSON.stringify(await job())}\n`);
}
redis.disconnect();
await db.close();
