import type { MockAnswer } from "./answer.ts";

/**
 * How a provider writes its errors on data routes. A faithful mock answers an expired token, a spent rate
 * budget or an unknown id the way the real API does, so a connector's response → action table is tested
 * against the shapes it will meet (Withings even answers HTTP 200 with a status in the body).
 */
export type ProviderErrorKind =
  | "missing_token"
  | "invalid_token"
  | "expired_token"
  | "revoked_token"
  | "forbidden"
  | "rate_limited"
  | "not_found"
  | "bad_request";

export interface ErrorDetail {
  message: string;
  /** The refused token, for providers that echo it (Fitbit does). */
  token?: string;
}

export type ErrorShape = (kind: ProviderErrorKind, detail: ErrorDetail) => MockAnswer;

const HTTP_STATUS: Record<ProviderErrorKind, number> = {
  missing_token: 401,
  invalid_token: 401,
  expired_token: 401,
  revoked_token: 401,
  forbidden: 403,
  rate_limited: 429,
  not_found: 404,
  bad_request: 400,
};

const isAuthKind = (kind: ProviderErrorKind): boolean => HTTP_STATUS[kind] === 401;

/** RFC 6750 bearer-token errors, with a WWW-Authenticate challenge. */
const generic: ErrorShape = (kind, { message }) => {
  const status = HTTP_STATUS[kind];
  if (!isAuthKind(kind)) return { status, body: { error: kind, error_description: message } };
  const error = kind === "missing_token" ? undefined : "invalid_token";
  const challenge = error ? `Bearer error="${error}", error_description="${message.replaceAll('"', "'")}"` : "Bearer";
  return { status, headers: { "www-authenticate": challenge }, body: { error: error ?? "invalid_request", error_description: message } };
};

const strava: ErrorShape = (kind, { message }) => {
  const status = HTTP_STATUS[kind];
  if (isAuthKind(kind)) return { status, body: { message: "Authorization Error", errors: [{ resource: "Athlete", field: "access_token", code: "invalid" }] } };
  if (kind === "rate_limited")
    return { status, body: { message: "Rate Limit Exceeded", errors: [{ resource: "Application", field: "rate limit", code: "exceeded" }] } };
  if (kind === "not_found") return { status, body: { message: "Record Not Found", errors: [{ resource: "Resource", field: "path", code: "invalid" }] } };
  if (kind === "forbidden") return { status, body: { message: "Authorization Error", errors: [{ resource: "Athlete", field: "id", code: "forbidden" }] } };
  return { status, body: { message: "Bad Request", errors: [{ resource: "Request", field: "query", code: "invalid", detail: message }] } };
};

const fitbit: ErrorShape = (kind, { message, token }) => {
  const status = HTTP_STATUS[kind];
  const errorType =
    kind === "expired_token"
      ? "expired_token"
      : isAuthKind(kind)
        ? "invalid_token"
        : kind === "forbidden"
          ? "insufficient_scope"
          : kind === "rate_limited"
            ? "system"
            : kind === "not_found"
              ? "not_found"
              : "validation";
  const text =
    kind === "expired_token"
      ? `Access token expired: ${token ?? ""}. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.`
      : kind === "invalid_token" || kind === "revoked_token"
        ? `Access token invalid: ${token ?? ""}. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.`
        : message;
  return { status, body: { errors: [{ errorType, message: text }], success: false } };
};

/** FastAPI's `{"detail": …}`. */
const oura: ErrorShape = (kind, { message }) => ({ status: HTTP_STATUS[kind], body: { detail: isAuthKind(kind) ? "Unauthorized" : message } });

/** Always HTTP 200; the outcome is `status` in the body (401 for tokens, 601 for too many requests). */
const withings: ErrorShape = (kind, { message }) => {
  const status = isAuthKind(kind) ? 401 : kind === "rate_limited" ? 601 : 503;
  const error = isAuthKind(kind)
    ? "XRequestError: Invalid Params: invalid access_token"
    : kind === "rate_limited"
      ? "Too many request"
      : `Invalid Params: ${message}`;
  return { status: 200, body: { status, body: {}, error } };
};

/** A PHP OAuth2 server's shape (the token endpoint's too). */
const xert: ErrorShape = (kind, { message }) => {
  const status = HTTP_STATUS[kind];
  if (kind === "expired_token") return { status, body: { error: "invalid_token", error_description: "The access token provided has expired" } };
  if (isAuthKind(kind)) return { status, body: { error: "invalid_token", error_description: "The access token provided is invalid" } };
  return { status, body: { success: false, error: kind, error_description: message } };
};

const peloton: ErrorShape = (kind, { message }) => {
  const status = HTTP_STATUS[kind];
  return {
    status,
    body: { status, error_code: isAuthKind(kind) ? 3010 : status, subcode: null, message: isAuthKind(kind) ? "Not logged in" : message, details: null },
  };
};

/**
 * Presets for the providers whose error bodies are known; the others (WHOOP, Polar, Garmin, Wahoo,
 * partners) use `generic` until their shapes are confirmed.
 */
export const ERROR_SHAPES = { generic, strava, fitbit, oura, withings, xert, peloton } satisfies Record<string, ErrorShape>;
export type ErrorShapeName = keyof typeof ERROR_SHAPES;

export function resolveErrorShape(shape: ErrorShape | ErrorShapeName | undefined): ErrorShape {
  if (shape === undefined) return generic;
  return typeof shape === "function" ? shape : ERROR_SHAPES[shape];
}
