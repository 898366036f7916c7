import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import type { IncomingMessage } from "node:http";
import type { ServerConfig, TributaryConfig } from "../config/config-schema.ts";
import { isTributaryError } from "../errors/tributary-error.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";
import { adminQueues } from "./admin-queues.ts";
import { apiKeyGuard } from "./api-key-auth.ts";
import { clientErrorAnswers } from "./client-errors.ts";
import { deadLetterRoutes } from "./dead-letter-routes.ts";
import { quarantineRoutes } from "./quarantine-routes.ts";
import { healthRoutes } from "./health-routes.ts";
import { hooksRoutes } from "./hooks-routes.ts";
import { metricsRoutes } from "./metrics-routes.ts";
import type { ProducerQueues } from "../queue/producer-queues.ts";
import { registerOpenApi } from "../api/openapi-docs.ts";
import { v2Api } from "../api/v2-api.ts";
import type { DeveloperDirectory } from "../developers/developer-directory.ts";
import type { ProviderAuthorizer } from "../services/provider-authorizer.ts";
import type { AppServices } from "../services/service-context.ts";
import type { ConnectFlows } from "../services/connect-flows.ts";
import { createProviderUserCache, type ProviderUserCacheOptions } from "./provider-user-cache.ts";
import { createReplayGuard } from "./replay-guard.ts";
import { requestIdOf } from "./request-id.ts";
import { widgetRoutes } from "./widget-routes.ts";
import { RETRY_AFTER_SECONDS } from "./unavailable.ts";

export interface HttpServerOptions {
  ctx: RuntimeContext;
  config: Pick<TributaryConfig, "server" | "providers">;
  /** Fail-fast queues (createProducerQueues) on the same prefix as the runtime's. */
  producer: ProducerQueues;
  /** The service layer on `producer` (buildApp's). */
  services: AppServices;
  developers: DeveloperDirectory;
  /** Runs provider authorization flows (OAuth) for authenticateUser. */
  authorizer?: ProviderAuthorizer;
  /** The connect flows behind the hosted widget, its forms and the provider callbacks. */
  flows: ConnectFlows;
  /** Longest a synchronous data request (to_webhook=false) may take. @default 25000 */
  syncDataTimeoutMs?: number;
  /** Bound on each Redis or database call made while answering. @default 2000 */
  dependencyTimeoutMs?: number;
  userCache?: ProviderUserCacheOptions;
}

/** The version of the API's description (the server's, while the project has no releases). */
const API_VERSION = "0.1.0";

export interface HttpServers {
  /** The REST API (/v2), provider webhooks and health; with no admin listener configured, also /metrics and /admin behind the API key. */
  public: FastifyInstance;
  /** /metrics (open), /admin (API key) and health, on `server.admin`; undefined when it is not configured. */
  admin?: FastifyInstance;
}

/** Probes and scrapes run every few seconds: logged at debug so they do not drown the real traffic. */
const QUIET_ROUTES = new Set(["/health/live", "/health/ready", "/metrics"]);

/** Bodies of the routes that are not provider webhooks (the admin API's small JSON). */
const DEFAULT_BODY_LIMIT = 64 * 1024;

/** How often Node looks for requests past their header or request timeout. */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * The HTTP servers: the Terra-compatible REST API (/v2, with its OpenAPI description and reference page),
 * the hosted connect widget and the providers' OAuth callbacks, provider push ingress, health, metrics and the admin routes. Returned ready to
 * `listen()`; `close()` stops accepting, lets in-flight requests finish, and answers 503 meanwhile.
 * Closing the context and the producer stays with the caller.
 */
export function createHttpServers(options: HttpServerOptions): HttpServers {
  const { ctx, producer, config } = options;
  const dependencyTimeoutMs = options.dependencyTimeoutMs ?? 2000;
  const health = { redis: producer.redis, store: ctx.store, timeoutMs: Math.min(dependencyTimeoutMs, 1000) };
  // The operator's own account: the default developer's keys, never another developer's.
  const guard = apiKeyGuard(options.developers.default?.keyDigests ?? []);

  const operatorRoutes = async (app: FastifyInstance, metricsNeedKey: boolean) => {
    await app.register(async (scope) => {
      if (metricsNeedKey) scope.addHook("onRequest", guard);
      await scope.register(metricsRoutes, { registry: ctx.metrics.registry });
    });
    await app.register(async (admin) => {
      admin.addHook("onRequest", guard);
      await admin.register(adminQueues, { producer });
      await admin.register(deadLetterRoutes, { ctx, producer, dependencyTimeoutMs });
      await admin.register(quarantineRoutes, { ctx });
    });
  };

  const publicServer = baseServer(ctx, config.server);
  // The description must see every route: registered first.
  registerOpenApi(publicServer, { publicUrl: config.server.publicUrl, version: API_VERSION });
  publicServer.register(v2Api, {
    prefix: "/v2",
    services: options.services,
    developers: options.developers,
    producer,
    config,
    ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    ...(options.syncDataTimeoutMs !== undefined ? { syncTimeoutMs: options.syncDataTimeoutMs } : {}),
  });
  publicServer.register(widgetRoutes, { flows: options.flows, services: options.services, developers: options.developers, config, keyPrefix: producer.prefix });
  publicServer.register(healthRoutes, health);
  publicServer.register(hooksRoutes, {
    ctx,
    producer,
    users: createProviderUserCache(ctx.store, options.userCache),
    replayGuard: createReplayGuard(producer.redis, producer.prefix),
    dependencyTimeoutMs,
    limits: config.server.limits,
    rateLimit: config.server.rateLimit,
  });
  if (!config.server.admin) {
    // The public port is the providers' and the internet's: the metrics there are for key holders only.
    publicServer.register((app) => operatorRoutes(app, true));
    return { public: publicServer };
  }
  const adminServer = baseServer(ctx, config.server);
  adminServer.register(healthRoutes, health);
  adminServer.register((app) => operatorRoutes(app, false));
  return { public: publicServer, admin: adminServer };
}

/** Whether the request declares a body not all of which has arrived yet. */
function bodyStillArriving(raw: IncomingMessage): boolean {
  // Node's parser sets `complete` once the whole message is in; an injected request (tests) has no wire and leaves it unset.
  if (raw.complete !== false) return false;
  return raw.headers["transfer-encoding"] !== undefined || Number(raw.headers["content-length"] ?? 0) > 0;
}

/** One Fastify instance with Tributary's logging, errors, limits and timeouts. */
function baseServer(ctx: RuntimeContext, server: ServerConfig): FastifyInstance {
  const requestTimeoutMs = server.limits.requestTimeoutSeconds * 1000;
  const clientErrors = clientErrorAnswers(server.limits);
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    // Fastify's own request lines carry the full URL (query strings hold verify tokens): we log our own.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "traceId" }),
    genReqId: requestIdOf,
    return503OnClosing: true,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // A client that promises a body and trickles it (or never sends it) holds a socket and a parser:
    // it has the request timeout to finish, and its headers must be in sooner.
    requestTimeout: requestTimeoutMs,
    http: {
      headersTimeout: Math.min(server.limits.headersTimeoutSeconds * 1000, requestTimeoutMs),
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    trustProxy: server.trustProxy,
    clientErrorHandler: clientErrors.handler,
  }) as unknown as FastifyInstance;

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    clientErrors.received(request);
  });
  app.addHook("onSend", async (request, reply) => {
    // An answer given before the body was read (a refused key, no such route): Node would read and drop
    // the rest of it on a kept-alive connection, still under the request timeout — a client trickling it
    // would get a second answer (408) after this one. Closing is what the client expects instead.
    if (bodyStillArriving(request.raw)) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request, reply) => {
    clientErrors.answered(request);
    const route = request.routeOptions.url;
    const line = {
      method: request.method,
      path: request.url.split("?")[0],
      route,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (route !== undefined && QUIET_ROUTES.has(route) && reply.statusCode < 400) request.log.debug(line, "request");
    else request.log.info(line, "request");
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isTributaryError(error)) {
      const status = error.errorClass === "user" ? 400 : 503;
      request.log.warn({ code: error.code, err: error.message }, "request failed");
      if (status === 503) reply.header("retry-after", String(RETRY_AFTER_SECONDS));
      return reply.code(status).send({ status: "error", code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
    }
    const status = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      return reply.code(status).send({ status: "error", message: "internal error" });
    }
    // A body that was refused unread is still on its way: do not keep the connection to drain it.
    if (status === 413) reply.header("connection", "close");
    return reply.code(status).send({ status: "error", message: error.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ status: "error", message: "not found" }));
  return app;
}
