import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import type { TributaryConfig } from "../config/config-schema.ts";
import { isTributaryError } from "../errors/tributary-error.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";
import { adminQueues } from "./admin-queues.ts";
import { apiKeyGuard } from "./api-key-auth.ts";
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
import { connectResultPage } from "./connect-result-page.ts";
import { createProviderUserCache, type ProviderUserCacheOptions } from "./provider-user-cache.ts";
import { createReplayGuard } from "./replay-guard.ts";
import { requestIdOf } from "./request-id.ts";
import { RETRY_AFTER_SECONDS } from "./unavailable.ts";

export interface HttpServerOptions {
  ctx: RuntimeContext;
  config: Pick<TributaryConfig, "server" | "providers">;
  /** Fail-fast queues (createProducerQueues) on the same prefix as the runtime's. */
  producer: ProducerQueues;
  /** The service layer on `producer` (buildApp's). */
  services: AppServices;
  developers: DeveloperDirectory;
  /** Runs provider authorization flows (OAuth) for authenticateUser and the widget. */
  authorizer?: ProviderAuthorizer;
  /** Longest a synchronous data request (to_webhook=false) may take. @default 25000 */
  syncDataTimeoutMs?: number;
  /** Bound on each Redis or database call made while answering. @default 2000 */
  dependencyTimeoutMs?: number;
  userCache?: ProviderUserCacheOptions;
  /** Largest provider push body, in bytes. @default 5 MiB */
  hookBodyLimit?: number;
}

/** The version of the API's description (the server's, while the project has no releases). */
const API_VERSION = "0.1.0";

/** Probes and scrapes run every few seconds: logged at debug so they do not drown the real traffic. */
const QUIET_ROUTES = new Set(["/health/live", "/health/ready", "/metrics"]);

/**
 * The HTTP server: the Terra-compatible REST API (/v2, with its OpenAPI description and reference page),
 * provider push ingress, health, metrics and the admin routes. Returned ready to
 * `listen()`; `close()` stops accepting, lets in-flight requests finish, and answers 503 meanwhile.
 * Closing the context and the producer stays with the caller.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const { ctx, producer } = options;
  const dependencyTimeoutMs = options.dependencyTimeoutMs ?? 2000;
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    // Fastify's own request lines carry the full URL (query strings hold verify tokens): we log our own.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "traceId" }),
    genReqId: requestIdOf,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.addHook("onResponse", async (request, reply) => {
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
    return reply.code(status).send({ status: "error", message: error.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ status: "error", message: "not found" }));

  // The description must see every route: registered first.
  registerOpenApi(app, { publicUrl: options.config.server.publicUrl, version: API_VERSION });
  app.register(v2Api, {
    prefix: "/v2",
    services: options.services,
    developers: options.developers,
    producer,
    config: options.config,
    ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    ...(options.syncDataTimeoutMs !== undefined ? { syncTimeoutMs: options.syncDataTimeoutMs } : {}),
  });
  app.register(connectResultPage);
  app.register(healthRoutes, { redis: producer.redis, store: ctx.store, timeoutMs: Math.min(dependencyTimeoutMs, 1000) });
  app.register(metricsRoutes, { registry: ctx.metrics.registry });
  app.register(hooksRoutes, {
    ctx,
    producer,
    users: createProviderUserCache(ctx.store, options.userCache),
    replayGuard: createReplayGuard(producer.redis, producer.prefix),
    dependencyTimeoutMs,
    bodyLimit: options.hookBodyLimit ?? 5 * 1024 * 1024,
  });
  app.register(async (admin) => {
    // The operator's own account: the default developer's keys, never another developer's.
    admin.addHook("onRequest", apiKeyGuard(options.developers.default?.keyDigests ?? []));
    await admin.register(adminQueues, { producer });
    await admin.register(deadLetterRoutes, { ctx, producer, dependencyTimeoutMs });
    await admin.register(quarantineRoutes, { ctx });
  });
  return app;
}
