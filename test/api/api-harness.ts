import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, type App } from "@tributary/core/app";

type Injected = Awaited<ReturnType<ReturnType<App["http"]>["inject"]>>;
type Method = "GET" | "POST" | "DELETE" | "PUT" | "PATCH";
import { loadConfigWithPlugins, type TributaryConfig } from "@tributary/core/config";
import { defineConnector } from "@tributary/core/contracts";
import { apiKeyDigestText } from "@tributary/core/developers";
import { silentLogger } from "@tributary/core/log";
import { createPluginRegistry } from "@tributary/core/registry";
import type { ProviderAuthorizer } from "@tributary/core/services";
import type { StateStore } from "@tributary/core/state";
import { memoryStateStore, TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { startRecordingReceiver, type RecordingReceiver } from "../e2e/recording-receiver.ts";
import { openApiChecker } from "./openapi-check.ts";

/** A provider whose authorization is an OAuth flow this server may not run. */
export const oauthConnector = defineConnector({
  spec: {
    name: "OAUTHY",
    displayName: "OAuthy",
    icon: "https://oauthy.example/icon.png",
    dataTypes: ["activity"],
    auth: { type: "oauth2", authorizeUrl: "https://oauthy.example/authorize", tokenUrl: "https://oauthy.example/token", scopes: ["activity"] },
    http: { baseUrl: "https://oauthy.example/api" },
    streams: { activity: [{ name: "activities", request: { path: "/activities" }, id: "/id" }] },
  },
  hooks: { map: { activity: () => null } },
});

export interface Account {
  devId: string;
  apiKey: string;
  signingSecret: string;
  /** Receives this developer's deliveries, verifying them with its signing secret. */
  receiver: RecordingReceiver;
}

export interface ApiHarness {
  app: App;
  config: TributaryConfig;
  store: StateStore;
  /** The default developer (`api:`), owner of destination a-hook. */
  a: Account;
  /** A second developer (`developers:`), SANDBOX only, owner of destination b-hook; its key is configured as a digest. */
  b: Account;
  /**
   * A request as `who` (dev-id + key), or without credentials (`null`), or with the given headers; every
   * /v2 answer is checked against the server's OpenAPI document. `body` is sent as JSON; `payload` is sent
   * as it is, with only the headers given.
   */
  call(method: Method, url: string, options?: { as?: Account | null; headers?: Record<string, string>; body?: unknown; payload?: string }): Promise<Injected>;
  /** Operations of the OpenAPI document no call has exercised yet. */
  unseenOperations(): string[];
  close(): Promise<void>;
}

/**
 * Tributary as `serve -c <file>` builds it, with two developer accounts each delivering to its own signed
 * webhook receiver; workers run when asked.
 */
export async function startApiHarness(options: { workers?: boolean; delivery?: string; authorizer?: ProviderAuthorizer } = {}): Promise<ApiHarness> {
  const secret = () => randomBytes(12).toString("hex");
  const key = () => `key-${randomBytes(16).toString("hex")}`;
  const account = async (devId: string): Promise<Account> => {
    const signingSecret = secret();
    return { devId, apiKey: key(), signingSecret, receiver: await startRecordingReceiver({ signingSecret }) };
  };
  const a = await account(`dev-a-${randomUUID().slice(0, 8)}`);
  const b = await account(`dev-b-${randomUUID().slice(0, 8)}`);
  const dir = await mkdtemp(join(tmpdir(), "tributary-api-"));
  const yaml = `
server: { publicUrl: "https://tributary.test" }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/connector-sandbox", "@tributary/destination-webhook"]
api: { devId: ${a.devId}, apiKeys: ["${a.apiKey}"], signingSecret: "${a.signingSecret}" }
developers:
  - { devId: ${b.devId}, apiKeys: ["${apiKeyDigestText(b.apiKey)}"], signingSecret: "${b.signingSecret}", providers: [SANDBOX], destinations: [b-hook] }
providers: { SANDBOX: { backfillDays: 2 }, OAUTHY: { clientId: oauthy-client-id } }
${options.delivery ?? "delivery: { attempts: 2, backoffSeconds: 1 }"}
destinations:
  - { name: a-hook, type: webhook, options: { url: "${a.receiver.url}" } }
  - { name: b-hook, type: webhook, options: { url: "${b.receiver.url}" } }
`;
  const path = join(dir, "tributary.yaml");
  await writeFile(path, yaml);
  const { config, registry } = await loadConfigWithPlugins({ path, env: {}, cwd: dir, registry: createPluginRegistry([oauthConnector]) });
  const store = await memoryStateStore();
  const prefix = `test-api-${randomUUID().slice(0, 12)}`;
  const app = await buildApp({
    config,
    registry,
    log: silentLogger(),
    prefix,
    store,
    ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    http: { syncDataTimeoutMs: 20_000 },
  });
  if (options.workers) app.startWorkers();
  if (!(await app.producer.whenReady(10_000))) throw new Error(`Redis at ${TEST_REDIS_URL} is not reachable`);
  const server = app.http();
  const documentResponse = await server.inject({ method: "GET", url: "/v2/openapi.json" });
  const checker = await openApiChecker(JSON.parse(documentResponse.body));

  return {
    app,
    config,
    store,
    a,
    b,
    async call(method, url, callOptions = {}) {
      const as = callOptions.as === undefined ? a : callOptions.as;
      const headers: Record<string, string> = { ...(as ? { "dev-id": as.devId, "x-api-key": as.apiKey } : {}), ...callOptions.headers };
      const response = await server.inject({
        method,
        url,
        headers: callOptions.body !== undefined ? { "content-type": "application/json", ...headers } : headers,
        ...(callOptions.body !== undefined ? { payload: JSON.stringify(callOptions.body) } : {}),
        ...(callOptions.payload !== undefined ? { payload: callOptions.payload } : {}),
      });
      if (url.startsWith("/v2/") && !url.startsWith("/v2/docs") && !url.startsWith("/v2/openapi.json")) {
        checker.check({ method: String(method), url, statusCode: response.statusCode, headers: response.headers, body: response.body });
      }
      return response;
    },
    unseenOperations: () => checker.unseen(),
    async close() {
      await Promise.all(app.ctx.queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await app.close();
      await store.db.close();
      await Promise.all([a.receiver.close(), b.receiver.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
