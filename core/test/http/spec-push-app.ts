import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { buildApp, type App } from "../../src/app/build-app.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { silentLogger } from "../../src/log/logger.ts";
import type { IngestJobData, IngestNotification } from "../../src/queue/topology.ts";
import { createPluginRegistry } from "../../src/registry/plugin-registry.ts";
import { defineConnector, type ConnectorDefinition } from "../../src/spec/define-connector.ts";
import { loadConnectorFile } from "../../src/spec/load-connector.ts";
import { memoryStore, sinkDestination, TEST_REDIS_URL } from "./test-app.ts";
import type { StateStore } from "../../src/state/index.ts";

const VALID = fileURLToPath(new URL("../spec/fixtures/valid/", import.meta.url));

/**
 * A partner push whose records are mapped by the spec's own mapping into valid activities, signed
 * Terra-style: the `records` action end to end.
 */
export const recordsConnector = (): ConnectorDefinition =>
  defineConnector({
    spec: {
      name: "ACME_RECORDS",
      displayName: "Acme records",
      dataTypes: ["activity"],
      auth: { type: "partner_push" },
      mappings: {
        activity: {
          template: {
            metadata: {
              summary_id: { path: "/id", required: true },
              start_time: { path: "/start", required: true },
              end_time: { path: "/end", required: true },
              type: 1,
              upload_type: 1,
            },
          },
        },
      },
      webhook: {
        verify: { scheme: "terra", header: "acme-signature" },
        userId: "/user_id",
        eventType: "/event",
        events: {
          "activities.created": { action: "records", dataType: "activity", records: "/activities" },
          "user.deauthorized": { action: "deauth" },
          ping: { action: "ignore" },
        },
      },
    },
  });

/**
 * A push that names a workout by id (`pull_object`): fetched by its stream's object request, reshaped by
 * the stream's transform hook (the provider's `workout_id` becomes the `id` the mapping reads), mapped.
 */
export const objectsConnector = (): ConnectorDefinition =>
  defineConnector({
    spec: {
      name: "ACME_OBJECTS",
      displayName: "Acme objects",
      dataTypes: ["activity"],
      auth: { type: "bearer_token", providerUserId: { from: "request", request: { path: "/acme/me" }, path: "/id" } },
      http: { baseUrl: "https://api.acme-objects.example" },
      streams: {
        activity: [
          {
            name: "workouts",
            request: { path: "/acme/workouts" },
            records: "/data",
            id: "/workout_id",
            // The member's offset, learned from each workout's start (a push's fetched one included).
            timezone: { in: "record", path: "/start" },
            object: { request: { path: "/acme/workouts/{object_id}" } },
          },
        ],
      },
      mappings: {
        activity: {
          template: {
            metadata: {
              summary_id: { path: "/id", required: true },
              start_time: { path: "/start", required: true },
              end_time: { path: "/end", required: true },
              type: 1,
              upload_type: 1,
            },
          },
        },
      },
      webhook: {
        verify: { scheme: "terra", header: "acme-signature" },
        userId: "/user_id",
        eventType: "/event",
        events: { "workout.created": { action: "pull_object", dataType: "activity", id: "/workout_id" } },
      },
    },
    hooks: {
      transform: {
        workouts: (record) => {
          if (record.workout_id === "unreadable") throw new Error("this workout cannot be read");
          return { ...record, id: `acme-${String(record.workout_id)}` };
        },
      },
    },
  });

/** The spec fixtures that declare real providers' webhooks, plus the TypeScript one with a verify hook. */
export async function specConnectors(): Promise<Record<string, ConnectorDefinition>> {
  const load = (name: string) => loadConnectorFile(`${VALID}${name}`);
  const hooked = ((await import("../spec/fixtures/valid/hooks-connector.ts")) as { default: ConnectorDefinition }).default;
  const all = [
    load("fitbit.yaml"),
    load("garmin.yaml"),
    load("oura.yaml"),
    load("polar.yaml"),
    load("wahoo.yaml"),
    load("whoop.yaml"),
    load("withings.yaml"),
    load("partner-push.yaml"),
    load("strava"),
    hooked,
    recordsConnector(),
    objectsConnector(),
  ];
  return Object.fromEntries(all.map((definition) => [definition.spec.name, definition]));
}

export interface SpecPushApp {
  app: App;
  url: string;
  store: StateStore;
  definitions: Record<string, ConnectorDefinition>;
  /** providers.<NAME> secrets and settings, as configured. */
  secrets: { push: string; client: string; verifyToken: string; subscriptionId: string };
  /** Ingest notifications enqueued for a request id (the x-request-id sent, their trace id). */
  enqueued(requestId: string): Promise<IngestNotification[]>;
  close(): Promise<void>;
}

/**
 * `baseUrls`: providers.<NAME>.baseUrl, for connectors whose pushes make us fetch from a local mock;
 * `withoutPushSecret`: providers configured without their push secret (before their subscription is made).
 */
export async function startSpecPushApp(options: { baseUrls?: Record<string, string>; withoutPushSecret?: string[] } = {}): Promise<SpecPushApp> {
  const definitions = await specConnectors();
  const secrets = {
    push: randomBytes(16).toString("hex"),
    client: randomBytes(16).toString("hex"),
    verifyToken: randomBytes(8).toString("hex"),
    subscriptionId: "120475",
  };
  const providers = Object.keys(definitions).map(
    (name) =>
      `${name}: { clientId: "id-${name.toLowerCase()}", clientSecret: "${secrets.client}", ${options.withoutPushSecret?.includes(name) ? "" : `pushSecret: "${secrets.push}", `}verifyToken: "${secrets.verifyToken}", options: { subscription_id: "${secrets.subscriptionId}" }${options.baseUrls?.[name] ? `, baseUrl: "${options.baseUrls[name]}"` : ""} }`,
  );
  const config = parseConfig(
    [
      `redis: { url: "${TEST_REDIS_URL}" }`,
      `api: { apiKeys: ["key-${randomBytes(12).toString("hex")}"] }`,
      "server: { rateLimit: { maxRejected: 100000 } }",
      "plugins: []",
      `providers: { ${providers.join(", ")} }`,
      "destinations: [{ name: sink, type: sink }]",
    ].join("\n"),
    { env: {} },
  );
  const registry = createPluginRegistry([...Object.values(definitions), sinkDestination]);
  const store = await memoryStore();
  const prefix = `test-spec-push-${randomUUID().slice(0, 12)}`;
  const app = await buildApp({ config, registry, log: silentLogger(), prefix, store, http: { dependencyTimeoutMs: 1500 } });
  const { url } = await app.startHttp({ host: "127.0.0.1", port: 0 });
  return {
    app,
    url,
    store,
    definitions,
    secrets,
    async enqueued(requestId) {
      const jobs = await app.producer.ingest.getJobs(["prioritized", "waiting", "active", "delayed"]);
      return jobs.flatMap((job) => (job.data as IngestJobData).notifications.filter((n) => n.traceId === requestId));
    },
    async close() {
      await app.close();
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      redis.disconnect();
      await store.db.close();
    },
  };
}
