import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TributaryConfig } from "../config/config-schema.ts";
import type { DeveloperDirectory } from "../developers/developer-directory.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, RateLimitedError, type TributaryError } from "../errors/tributary-error.ts";
import { DependencyTimeoutError, RETRY_AFTER_SECONDS } from "../http/unavailable.ts";
import type { ProducerQueues } from "../queue/producer-queues.ts";
import type { ProviderAuthorizer } from "../services/provider-authorizer.ts";
import type { AppServices } from "../services/service-context.ts";
import { StateErrorCodes } from "../state/error-codes.ts";
import { developerAuth } from "./developer-auth.ts";
import { sendProblem } from "./problem.ts";
import { requestLimits } from "./request-limits.ts";
import { authRoutes } from "./routes/auth-routes.ts";
import { dataRoutes } from "./routes/data-routes.ts";
import { integrationRoutes } from "./routes/integration-routes.ts";
import { pauseRoutes } from "./routes/pause-routes.ts";
import { terraOnlyRoutes } from "./routes/terra-only-routes.ts";
import { userRoutes } from "./routes/user-routes.ts";
import { OPTIONAL_BODY, registerDocsRoutes } from "./openapi-docs.ts";

export interface V2ApiOptions {
  services: AppServices;
  developers: DeveloperDirectory;
  producer: ProducerQueues;
  config: Pick<TributaryConfig, "server" | "providers">;
  authorizer?: ProviderAuthorizer;
  /** Longest a synchronous data request (to_webhook=false) may take. @default 25000 */
  syncTimeoutMs?: number;
}

/** What the route modules share. */
export interface V2Context extends Required<Pick<V2ApiOptions, "services" | "developers" | "config" | "syncTimeoutMs">> {
  authorizer?: ProviderAuthorizer;
  limits: ReturnType<typeof requestLimits>;
}

/**
 * The Terra-compatible REST API under /v2: every call authenticated by dev-id + x-api-key and confined to
 * that developer's users, every answer (errors too) in Terra's shapes, every route described by its schema.
 */
export async function v2Api(app: FastifyInstance, options: V2ApiOptions): Promise<void> {
  const v2: V2Context = {
    services: options.services,
    developers: options.developers,
    config: options.config,
    syncTimeoutMs: options.syncTimeoutMs ?? 25_000,
    ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    limits: requestLimits(options.producer.redis, options.producer.prefix),
  };
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(request, reply, 404, `no endpoint ${request.method} ${request.url.split("?")[0]}`, ErrorCodes.API_NOT_FOUND);
  // No endpoint: 404 whatever the headers say, before any key is checked, and from the request line rather
  // than once a body no route reads has arrived (a client still sending one would get a 408 instead); the
  // connection is then closed (createHttpServers' onSend).
  app.addHook("onRequest", async (request, reply) => {
    if (request.routeOptions.url === undefined) await notFound(request, reply);
  });
  app.addHook("onRequest", developerAuth(options.developers));
  acceptEmptyJsonBodies(app);
  // A body the route declares optional and the client left out is validated, and read, as {}.
  app.addHook("preValidation", async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.[OPTIONAL_BODY] === true) request.body = {};
  });
  // Answers are built field by field from our own types: plain JSON.stringify, no schema-driven serializer
  // that would silently drop a field a schema does not list.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler((error: FastifyError | TributaryError, request, reply) => answerError(error, request, reply, options.producer));
  // The scope's own 404 context: what gives unmatched /v2 paths the hook above.
  app.setNotFoundHandler(notFound);

  await registerDocsRoutes(app);
  await app.register(authRoutes, v2);
  await app.register(userRoutes, v2);
  await app.register(integrationRoutes, v2);
  await app.register(dataRoutes, v2);
  await app.register(pauseRoutes, v2);
  await app.register(terraOnlyRoutes);
}

/**
 * Terra's clients send `Content-Type: application/json` on every call, bodiless ones included (the
 * JavaScript SDK's DELETE /auth/deauthenticateUser): an empty body under that type is no body, not a 400.
 * Anything else is parsed as Fastify does (prototype poisoning refused).
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text === "") {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

/** HTTP status of a service error, by its code; what is not listed is a bad request (user) or unavailable (transient). */
const STATUS_BY_CODE: Record<string, number> = {
  [ErrorCodes.CONNECTION_NOT_FOUND]: 404,
  [ErrorCodes.CONNECTION_INACTIVE]: 404,
  [ErrorCodes.API_NOT_FOUND]: 404,
  [ErrorCodes.PROVIDER_NOT_OFFERED]: 404,
  [ErrorCodes.CONNECTION_PAUSED]: 409,
  [StateErrorCodes.CONFLICT]: 409,
  [ErrorCodes.AUTH_FLOW_UNAVAILABLE]: 501,
  [ErrorCodes.DATA_REQUEST_TIMEOUT]: 504,
};

function answerError(error: FastifyError | TributaryError, request: FastifyRequest, reply: FastifyReply, producer: ProducerQueues): FastifyReply {
  if ("validation" in error && error.validation) {
    return sendProblem(request, reply, 400, validationDetail(error), ErrorCodes.API_REQUEST_INVALID);
  }
  if (isTributaryError(error)) {
    const status = STATUS_BY_CODE[error.code] ?? (error.errorClass === "user" ? 400 : 503);
    const detail = error.hint ? `${error.message}. ${error.hint}` : error.message;
    if (status >= 500) {
      request.log.warn({ code: error.code, err: error.message }, "request failed");
      const retryAfter = error instanceof RateLimitedError ? Math.max(1, Math.ceil(error.retryAfterMs / 1000)) : RETRY_AFTER_SECONDS;
      if (status === 503) reply.header("retry-after", String(retryAfter));
    }
    return sendProblem(request, reply, status, detail, error.code);
  }
  const status = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : undefined;
  if (status !== undefined) return sendProblem(request, reply, status, error.message, ErrorCodes.API_REQUEST_INVALID);
  // A Redis command refused while the producer connection is down, or a dependency that did not answer.
  if (error instanceof DependencyTimeoutError || producer.redis.status !== "ready") {
    request.log.warn({ err: error.message }, "request failed: a dependency is unavailable");
    reply.header("retry-after", String(RETRY_AFTER_SECONDS));
    return sendProblem(request, reply, 503, "a dependency (queue or database) is unavailable; retry later", ErrorCodes.REDIS_UNAVAILABLE);
  }
  request.log.error({ err: error }, "request failed");
  return sendProblem(request, reply, 500, "internal error");
}

/** One sentence naming the parameter and what it must be, from Ajv's first complaint. */
function validationDetail(error: FastifyError): string {
  const first = error.validation?.[0];
  const where =
    error.validationContext === "querystring"
      ? "query parameter"
      : error.validationContext === "body"
        ? "body field"
        : String(error.validationContext ?? "parameter");
  if (!first) return error.message;
  const params = first.params as { missingProperty?: string; allowedValues?: unknown[] };
  if (first.keyword === "required" && params.missingProperty) return `missing ${where} ${params.missingProperty}`;
  const name = first.instancePath.replace(/^\//, "").replaceAll("/", ".");
  if (name === "") return `invalid ${error.validationContext === "body" ? "body" : where}: ${first.message ?? "invalid"}`;
  return `invalid ${where} ${name}: ${first.message ?? "invalid"}`;
}
