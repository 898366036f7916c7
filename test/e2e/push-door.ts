import { randomBytes, randomUUID } from "node:crypto";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { signPush, type SignedPush } from "@tributary/core/mock-provider";
import type { IngestJobData, IngestNotification } from "@tributary/core/queue";
import { acknowledgement } from "@tributary/core/ingress";
import type { Logger } from "@tributary/core/log";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";
import sandbox from "@tributary/connector-sandbox";
import { freePort } from "../kit/free-port.ts";
import { TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { startListeningApp, type ListeningApp } from "./listening-app.ts";

/** The connectors that take pushes, as shipped (their connector.yaml), by provider name. */
const PUSHED = ["fitbit", "polar", "oura", "whoop", "wahoo", "strava", "garmin", "withings", "insiders"] as const;

/** One push each provider sends, naming `user` — an event its spec queues (not one it ignores). */
export const PUSHES: Record<string, (user: string) => unknown> = {
  FITBIT: (user) => [{ collectionType: "activities", date: "2026-04-01", ownerId: user, ownerType: "user", subscriptionId: randomUUID() }],
  POLAR: (user) => ({
    event: "EXERCISE",
    user_id: Number(user),
    entity_id: randomUUID(),
    timestamp: "2026-04-01T10:00:00Z",
    url: "https://www.polaraccesslink.com/v3/exercises/aQlC83",
  }),
  OURA: (user) => ({ event_type: "create", data_type: "sleep", object_id: randomUUID(), user_id: user }),
  WHOOP: (user) => ({ user_id: Number(user), id: randomUUID(), type: "workout.updated", trace_id: randomUUID() }),
  WAHOO: (user) => ({ event_type: "workout_summary", user: { id: Number(user) }, workout_summary: { id: randomUUID() } }),
  STRAVA: (user) => ({
    aspect_type: "create",
    event_time: Math.floor(Date.now() / 1000),
    object_id: Math.floor(Math.random() * 1e9),
    object_type: "activity",
    owner_id: Number(user),
    subscription_id: 120475,
    updates: {},
  }),
  GARMIN: (user) => ({
    dailies: [{ userId: user, summaryId: randomUUID(), calendarDate: "2026-03-09", startTimeInSeconds: 1773010800, durationInSeconds: 86400 }],
  }),
  WITHINGS: (user) => ({ userid: user, appli: 1, startdate: 1775000000, enddate: 1775003600 + Math.floor(Math.random() * 1e6) }),
  INSIDERS: (user) => ({ event: "activities.created", user_id: user, activities: [{ id: randomUUID() }] }),
  SANDBOX: (user) => ({
    notifications: [{ event: "activity.ping", owner_id: user, window: { start: 1775000000, end: 1775003600 + Math.floor(Math.random() * 1e6) } }],
  }),
};

const DEFINITIONS: Record<string, ConnectorDefinition> = Object.fromEntries(
  [...PUSHED.map((dir) => loadConnectorFile(fileURLToPath(new URL(`../../connectors/${dir}`, import.meta.url)))), sandbox].map((d) => [d.spec.name, d]),
);

/** The status a provider counts as "delivered" (its spec's `webhook.acknowledge`: Fitbit wants 204). */
export const acknowledged = (provider: string): number => acknowledgement(DEFINITIONS[provider]!.spec.webhook!).status;

export interface PushDoor {
  app: ListeningApp;
  /** Where the door listens (127.0.0.1). */
  port: number;
  definitions: Record<string, ConnectorDefinition>;
  /** Every provider's `verifyToken` (handshakes). */
  verifyToken: string;
  /** Every secret configured (push and client secrets): none may appear in a log line. */
  secrets: string[];
  /** The connected account every provider's pushes name. */
  user: string;
  /** Signed as the provider signs (`at`: the signing time, epoch ms). */
  sign(provider: string, payload: unknown, options?: { at?: number; secret?: string }): SignedPush;
  /** Sent to /hooks/<provider>; `enqueued` lists the ingest notifications it queued. */
  send(provider: string, push: SignedPush): Promise<{ status: number; body: string; enqueued(): Promise<IngestNotification[]> }>;
  /** Any request to the door, headers as given (a list is sent as that many header lines). */
  request(
    method: string,
    path: string,
    headers?: Record<string, string | string[]>,
    body?: Buffer,
  ): Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
  /** `tributary_provider_webhooks_total` for this provider and outcome, as counted so far. */
  counted(provider: string, outcome: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Tributary's push door (`/hooks/<provider>`) for every shipped connector that takes pushes, configured
 * with their secrets, no workers: what a push is answered and what it queues.
 */
export async function startPushDoor(name: string, options: { log?: Logger; hookBodyBytes?: number } = {}): Promise<PushDoor> {
  const definitions = DEFINITIONS;
  const secrets = { push: randomBytes(16).toString("hex"), client: randomBytes(16).toString("hex") };
  const verifyToken = `verify-${randomBytes(12).toString("hex")}`;
  const port = await freePort();
  const providers = Object.keys(definitions).map(
    (provider) =>
      `  ${provider}: { clientId: id-${provider.toLowerCase()}, clientSecret: "${secrets.client}", pushSecret: "${secrets.push}", verifyToken: "${verifyToken}", options: { subscription_id: "120475" } }`,
  );
  const app = await startListeningApp({
    prefix: name,
    definitions: Object.values(definitions),
    workers: false,
    ...(options.log ? { log: options.log } : {}),
    yaml: `
server: { publicUrl: "http://127.0.0.1:${port}", host: 127.0.0.1, port: ${port}, rateLimit: { maxRejected: 100000 }${options.hookBodyBytes ? `, limits: { hookBodyBytes: ${options.hookBodyBytes} }` : ""} }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/destination-webhook"]
api: { apiKeys: ["key-${randomBytes(16).toString("hex")}"], signingSecret: "${randomBytes(12).toString("hex")}" }
providers:
${providers.join("\n")}
destinations:
  - { name: nowhere, type: webhook, options: { url: "http://127.0.0.1:9/never-reached" } }
`,
  });
  const user = String(100_000 + Math.floor(Math.random() * 800_000));
  for (const provider of Object.keys(definitions)) await app.store.createConnection({ provider, providerUserId: user });
  const secretOf = (provider: string) => {
    const verify = definitions[provider]!.spec.webhook!.verify;
    return "secret" in verify && verify.secret === "clientSecret" ? secrets.client : secrets.push;
  };
  const base = `http://127.0.0.1:${port}`;
  return {
    app,
    port,
    definitions,
    verifyToken,
    secrets: [secrets.push, secrets.client],
    user,
    sign(provider, payload, options = {}) {
      const webhook = definitions[provider]!.spec.webhook!;
      return signPush({
        verify: webhook.verify,
        encoding: webhook.body ?? "json",
        payload,
        secret: options.secret ?? secretOf(provider),
        ...(options.at !== undefined ? { now: options.at } : {}),
        // Oura writes its hex digest in upper case.
        ...(provider === "OURA" ? { hexCase: "upper" as const } : {}),
      });
    },
    async send(provider, push) {
      const requestId = randomUUID();
      const query = new URLSearchParams(push.query).toString();
      const answer = await send(
        `${base}/hooks/${provider.toLowerCase()}${query ? `?${query}` : ""}`,
        "POST",
        { ...push.headers, "x-request-id": requestId },
        push.body,
      );
      return {
        ...answer,
        async enqueued() {
          const jobs = await app.app.producer.ingest.getJobs(["prioritized", "waiting", "active", "delayed"]);
          return jobs.flatMap((job) => (job.data as IngestJobData).notifications.filter((n) => n.traceId === requestId));
        },
      };
    },
    request: (method, path, headers = {}, body) => send(`${base}${path}`, method, headers, body),
    async counted(provider, outcome) {
      const metric = await app.app.ctx.metrics.webhooks.get();
      return metric.values.find((v) => v.labels.provider === provider && v.labels.outcome === outcome)?.value ?? 0;
    },
    close: () => app.close(),
  };
}

/** A request with its header names spelled as given (fetch would lower-case them). */
function send(
  url: string,
  method: string,
  headers: Record<string, string | string[]>,
  body?: Buffer,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const length = body ? { "content-length": String(body.length) } : {};
    const sent = request(url, { method, headers: { ...headers, ...length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: response.headers }));
      response.on("error", reject);
    });
    sent.on("error", reject);
    sent.end(body);
  });
}
