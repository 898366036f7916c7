import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import type { TributaryConfig } from "../config/config-schema.ts";
import type { HttpServerOptions, HttpServers } from "../http/create-http-server.ts";
import { createProducerQueues, type ProducerQueues } from "../queue/producer-queues.ts";
import { assertSafeToListen } from "./listen-safety.ts";
import type { Logger } from "../log/logger.ts";
import { createMetrics, type Metrics } from "../observability/metrics.ts";
import { QUEUE_PREFIX } from "../queue/topology.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import { createRuntime, type Runtime } from "../runtime/create-runtime.ts";
import { openState } from "../runtime/open-state.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";
import { startWorkers, type RuntimeWorkers, type WorkerConcurrency, type WorkerOptions } from "../runtime/workers.ts";
import type { StateStore } from "../state/index.ts";
import { createDeveloperDirectory, type DeveloperDirectory } from "../developers/developer-directory.ts";
import { developersFromConfig } from "../developers/developers-from-config.ts";
import type { AuthService } from "../auth/auth-service.ts";
import { createConnectFlows, type ConnectFlows } from "../services/connect-flows.ts";
import { flowsAuthorizer } from "../services/flows-authorizer.ts";
import type { ProviderAuthorizer } from "../services/provider-authorizer.ts";
import { servicesOver, type AppServices } from "../services/service-context.ts";
import { buildDestinations } from "./build-destinations.ts";
import { deliveryPolicyFrom, providerSettingsFrom } from "./runtime-settings.ts";

export interface BuildAppOptions {
  config: TributaryConfig;
  /** Holds the config's plugins (loadConfigWithPlugins). */
  registry: PluginRegistry;
  log: Logger;
  /** BullMQ key prefix; deployments (or test runs) sharing one Redis use different ones. @default "tributary" */
  prefix?: string;
  /** Use this store instead of opening `config.database`; the caller keeps closing it. */
  store?: StateStore;
  metrics?: Metrics;
  /** Tuning of the HTTP server (timeouts, cache, body limit). */
  http?: Omit<HttpServerOptions, "ctx" | "config" | "producer" | "developers" | "services" | "authorizer" | "flows">;
  /** Replaces the authorizer `authenticateUser` uses (by default: the connect flows on the auth service). */
  authorizer?: ProviderAuthorizer;
  /**
   * Load the HTTP server's modules (fastify, the dashboard: ~40 MB). A worker-only process says false and
   * never serves HTTP. @default true
   */
  withHttp?: boolean;
}

export interface App {
  config: TributaryConfig;
  ctx: RuntimeContext;
  runtime: Runtime;
  /** Fail-fast queues for request handlers and one-shot commands. */
  producer: ProducerQueues;
  startWorkers(concurrency?: WorkerConcurrency, options?: WorkerOptions): RuntimeWorkers;
  /** The service layer on the fail-fast queues: what the REST API and the CLI call. */
  services: AppServices;
  /** The developer accounts of the config (keys as digests). */
  developers: DeveloperDirectory;
  /** Connects users to providers and keeps their credentials (OAuth, password grant, tokens). */
  auth: AuthService;
  /** The connect flows the widget, the OAuth callback and `authenticateUser` run. */
  flows: ConnectFlows;
  /** Begins provider flows for `authenticateUser`, and revokes at the provider on every deauth (API and CLI). */
  authorizer: ProviderAuthorizer;
  /** The public HTTP server (REST API, provider webhooks), created on first use (tests `inject()` into it without listening). */
  http(): FastifyInstance;
  /** Where /metrics and /admin are served: the admin server when `server.admin` is configured, else the public one. */
  adminHttp(): FastifyInstance;
  /**
   * Listen on `server.host`/`server.port` of the config unless told otherwise (and on `server.admin` when
   * configured); resolves with the base URLs.
   */
  startHttp(listen?: { host?: string; port?: number }): Promise<{ server: FastifyInstance; url: string; adminUrl?: string }>;
  /**
   * Graceful stop, in dependency order: stop accepting requests (in-flight ones finish), let the workers
   * finish their active jobs, then close queues, destinations, Redis and the store. Idempotent.
   */
  close(): Promise<void>;
}

/** Everything a Tributary process is made of, from its config: shared by the commands, tests and benchmarks. */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, registry, log } = options;
  const prefix = options.prefix ?? QUEUE_PREFIX;
  const store =
    options.store ??
    (await openState({
      databaseUrl: config.database.url,
      ...(config.database.schema ? { schema: config.database.schema } : {}),
      dataDir: config.dataDir,
      encryptionKey: config.encryptionKey,
      log,
    }));
  let runtime: Runtime;
  try {
    if (config.api) {
      // Connections from before developer accounts belong to the default developer.
      const adopted = await store.adoptConnections(config.api.devId);
      if (adopted > 0) log.info({ developer: config.api.devId, connections: adopted }, "connections without a developer given to the default developer");
    }
    runtime = createRuntime({
      redisUrl: config.redis.url,
      redisCluster: config.redis.cluster,
      prefix,
      store,
      registry,
      destinations: buildDestinations(config, registry, log),
      policy: deliveryPolicyFrom(config.delivery),
      providers: providerSettingsFrom(config.providers),
      publicUrl: config.server.publicUrl,
      ...(config.api ? { defaultDeveloper: config.api.devId } : {}),
      log,
      metrics: options.metrics ?? createMetrics(),
    });
  } catch (error) {
    if (!options.store) await store.db.close();
    throw error;
  }
  const ctx = runtime.ctx;
  const producer = createProducerQueues(config.redis, prefix, { log, destinations: ctx.destinations.keys() });
  const services = servicesOver(ctx, producer);
  const developers = createDeveloperDirectory(developersFromConfig(config));
  // One auth service per app: the runtime's, which also hands out each connection's credentials.
  const auth = ctx.access.auth;
  const flows = createConnectFlows({ auth, services, publicUrl: config.server.publicUrl });
  const authorizer = options.authorizer ?? flowsAuthorizer(flows, auth);
  const workers: RuntimeWorkers[] = [];
  let servers: HttpServers | undefined;
  let closed: Promise<void> | undefined;

  const createHttpServers = options.withHttp === false ? undefined : (await import("../http/create-http-server.ts")).createHttpServers;
  const httpServers = (): HttpServers => {
    if (!createHttpServers) throw new Error("this app was built without HTTP (withHttp: false)");
    return (servers ??= createHttpServers({
      ctx,
      config,
      producer,
      services,
      developers,
      authorizer,
      flows,
      ...options.http,
    }));
  };
  const listenOn = async (instance: FastifyInstance, host: string, port: number) => {
    await instance.listen({ host, port });
    const address = instance.server.address() as AddressInfo;
    return `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  };

  return {
    config,
    ctx,
    runtime,
    producer,
    services,
    developers,
    auth,
    flows,
    authorizer,
    startWorkers(concurrency, workerOptions) {
      const started = startWorkers(ctx, ctx.redis, concurrency, workerOptions);
      workers.push(started);
      return started;
    },
    http: () => httpServers().public,
    adminHttp: () => httpServers().admin ?? httpServers().public,
    async startHttp(listen = {}) {
      const host = listen.host ?? config.server.host;
      assertSafeToListen(config, host);
      const { public: instance, admin } = httpServers();
      // Not waiting for Redis: the API answers 503 until it is there, and health/ready says why.
      const url = await listenOn(instance, host, listen.port ?? config.server.port);
      const adminUrl = admin && config.server.admin ? await listenOn(admin, config.server.admin.host, config.server.admin.port) : undefined;
      return { server: instance, url, ...(adminUrl ? { adminUrl } : {}) };
    },
    close: () =>
      (closed ??= (async () => {
        if (servers) await Promise.all([servers.public.close(), servers.admin?.close()]);
        await Promise.all(workers.map((w) => w.close()));
        await runtime.close();
        await producer.close();
        if (!options.store) await store.db.close();
      })()),
  };
}
