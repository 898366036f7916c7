import { Type, type Static } from "@sinclair/typebox";
import { closed, Count, Pointer, Template } from "./define.ts";

/**
 * The operator's OAuth client id and secret sent as two fields of the request, for provider APIs that
 * act for the application rather than a user: Strava's push subscriptions (form fields and query
 * parameters `client_id`, `client_secret`), Oura's webhook subscriptions (headers `x-client-id`,
 * `x-client-secret`).
 */
export const ClientFieldsAuth = closed(
  {
    in: Type.Union([Type.Literal("query"), Type.Literal("body"), Type.Literal("header")], {
      description: "Where both fields go (a body field needs a form or JSON object body).",
    }),
    id: Type.String({ minLength: 1, description: 'The name of the client id\'s field, e.g. "client_id", "x-client-id".' }),
    secret: Type.String({ minLength: 1, description: 'The name of the client secret\'s field, e.g. "client_secret", "x-client-secret".' }),
  },
  { description: "The client id and secret as two fields of the request." },
);
export type ClientFieldsAuth = Static<typeof ClientFieldsAuth>;

/**
 * One provider request. `path` is relative to `http.baseUrl` (or absolute on the same origin); every text
 * is a template: `{provider_user_id}`, `{start}`, `{end}`, `{record.<field>}`, `{object_id}`, `{client_id}`, …
 */
export const RequestSpec = closed({
  method: Type.Optional(
    Type.Union(
      ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].map((m) => Type.Literal(m)),
      { description: '@default "GET"' },
    ),
  ),
  path: Template("Path below http.baseUrl, or an absolute URL on an allowed origin."),
  query: Type.Optional(Type.Record(Type.String(), Template(""), { description: "Query parameters; a value that renders empty is left out." })),
  headers: Type.Optional(Type.Record(Type.String(), Template(""))),
  body: Type.Optional(Type.Unknown({ description: "A JSON value whose strings are templates." })),
  bodyEncoding: Type.Optional(Type.Union([Type.Literal("json"), Type.Literal("form")], { description: '@default "json"' })),
  auth: Type.Optional(
    Type.Union([Type.Literal("user"), Type.Literal("client_basic"), Type.Literal("none"), ClientFieldsAuth], {
      description:
        "user: the connection's credentials (default); client_basic: HTTP basic with the operator's client id and secret; { in, id, secret }: the client id and secret as two fields of the request; none.",
    }),
  ),
});
export type RequestSpec = Static<typeof RequestSpec>;

/** HTTP status matcher: 401, [500, 502], or a class/range written "5xx" / "500-599". */
const STATUS_EXPECTED = 'an HTTP status (401), a class ("5xx") or a range ("500-599")';
const OneStatus = Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: "^([1-5]xx|[1-5][0-9]{2}-[1-5][0-9]{2})$" })], {
  expected: STATUS_EXPECTED,
});
export const StatusMatch = Type.Union([OneStatus, Type.Array(OneStatus, { minItems: 1 })], { expected: `${STATUS_EXPECTED}, or a list of them` });

export const ResponseAction = Type.Union(
  ["success", "retry", "refresh", "rate_limited", "revoked", "ignore", "fail"].map((a) => Type.Literal(a)),
  {
    description:
      "success: use the body; retry: transient, back off and try again; refresh: refresh the token, then retry once; rate_limited: wait (Retry-After) without spending an attempt; revoked: the user withdrew access — mark the connection and emit access_revoked; ignore: treat as an empty answer (e.g. a deleted object); fail: an error retrying cannot fix.",
  },
);
export type ResponseAction = "success" | "retry" | "refresh" | "rate_limited" | "revoked" | "ignore" | "fail";

/**
 * One row of the response → action table. Rows are tried in order, the first whose every condition
 * holds wins; the built-in defaults (2xx success, 401 refresh, 429 rate_limited, 408/5xx retry, other 4xx
 * fail) apply after the connector's own rows.
 */
export const ResponseRule = closed({
  status: Type.Optional(StatusMatch),
  bodyPath: Type.Optional(Pointer('A field of the JSON body to test (Withings: "/status").')),
  equals: Type.Optional(
    Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), { minItems: 1, description: "bodyPath must equal one of these." }),
  ),
  contains: Type.Optional(Type.String({ description: "The raw body contains this text (case-sensitive)." })),
  action: ResponseAction,
  retryAfter: Type.Optional(
    closed({
      header: Type.Optional(Type.String({ description: '@default "Retry-After"' })),
      unit: Type.Optional(Type.Union([Type.Literal("seconds"), Type.Literal("ms"), Type.Literal("http_date"), Type.Literal("epoch_seconds")])),
      defaultSeconds: Type.Optional(Type.Number({ minimum: 0 })),
    }),
  ),
  message: Type.Optional(Type.String({ description: "Shown to operators in logs and dead letters." })),
});
export type ResponseRule = Static<typeof ResponseRule>;

/** A provider quota: `max` requests per `perSeconds`, counted per OAuth client (all users) or per user. */
export const RateLimitSpec = closed({
  name: Type.Optional(Type.String({ description: 'Shown in logs and metrics, e.g. "15min", "daily".' })),
  scope: Type.Union([Type.Literal("client"), Type.Literal("user")]),
  max: Count("Requests allowed in the window."),
  perSeconds: Count("Window length in seconds."),
  aligned: Type.Optional(
    Type.Boolean({
      description: "Windows reset at multiples of perSeconds since the epoch (Strava: :00/:15/:30/:45, midnight UTC) instead of sliding. @default false",
    }),
  ),
});
export type RateLimitSpec = Static<typeof RateLimitSpec>;

/** How the provider reports what is left of a quota, so the budget follows the provider's own count. */
export const RateLimitHeadersSpec = closed({
  remaining: Type.Optional(Type.String({ description: 'Header with requests left, e.g. "X-RateLimit-Remaining" (comma lists map to rateLimits in order).' })),
  usage: Type.Optional(Type.String({ description: 'Header with requests used, e.g. Strava "X-RateLimit-Usage: 12,340".' })),
  limit: Type.Optional(Type.String({ description: 'Header with the limits, e.g. "X-RateLimit-Limit: 200,2000".' })),
  reset: Type.Optional(Type.String({ description: "Header saying when the window resets." })),
  resetUnit: Type.Optional(
    Type.Union([Type.Literal("seconds"), Type.Literal("epoch_seconds"), Type.Literal("ms")], {
      description: "seconds from now (default), an epoch, or ms from now.",
    }),
  ),
  scope: Type.Optional(Type.Union([Type.Literal("client"), Type.Literal("user")], { description: 'Which rateLimits the headers describe. @default "client"' })),
  windows: Type.Optional(
    Type.Array(Type.String(), {
      minItems: 1,
      description:
        'Names of the rateLimits the comma lists describe, in their order (Strava: ["15min", "daily"]). @default every rateLimit of `scope`, in declared order',
    }),
  ),
});
export type RateLimitHeadersSpec = Static<typeof RateLimitHeadersSpec>;

export const HttpSpec = closed({
  baseUrl: Template("The provider API root; operators override it per deployment (providers.<NAME>.baseUrl) for mocks and proxies."),
  allowedOrigins: Type.Optional(
    Type.Array(Type.String(), {
      description: "Other origins absolute URLs from the provider (callback URLs, next links, file links) may point at. The baseUrl origin is always allowed.",
    }),
  ),
  headers: Type.Optional(Type.Record(Type.String(), Template(""), { description: "Sent with every request, e.g. Peloton-Platform: web." })),
  timeoutMs: Type.Optional(Count("Per-request timeout. @default 30000", { maximum: 300_000 })),
  maxAttempts: Type.Optional(
    Count("Tries of one request on `retry` before the pull job itself fails (and is retried by the queue). @default 3", { maximum: 10 }),
  ),
  rateLimits: Type.Optional(Type.Array(RateLimitSpec)),
  rateLimitHeaders: Type.Optional(
    Type.Union([RateLimitHeadersSpec, Type.Array(RateLimitHeadersSpec, { minItems: 1 })], {
      description: "One set of rate-limit headers, or several (Strava sends X-RateLimit-* for all requests and X-ReadRateLimit-* for reads).",
    }),
  ),
  responses: Type.Optional(Type.Array(ResponseRule)),
  maxResponseBytes: Type.Optional(Count("Refuse larger responses. @default 52428800 (50 MiB)")),
});
export type HttpSpec = Static<typeof HttpSpec>;
