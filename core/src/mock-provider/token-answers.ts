import type { MockAnswer } from "./answer.ts";
import { setPointer } from "./set-pointer.ts";

export type OAuthErrorCode = "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope";

export interface TokenErrorContext {
  grantType?: string;
  /** The client tried HTTP basic: an invalid_client answer then carries a Basic challenge. */
  basicTried: boolean;
}

/** How the token endpoint writes a refusal. */
export type TokenErrorShape = (error: OAuthErrorCode, description: string, context: TokenErrorContext) => MockAnswer;

/**
 * Token answers wrapped in a status envelope, as Withings writes them: always HTTP 200, `status` 0 on
 * success with the tokens under `body`, another status on failure.
 */
export interface StatusEnvelope {
  root: string;
  statusPath: string;
  success: number | string;
}

export const WITHINGS_ENVELOPE: StatusEnvelope = { root: "/body", statusPath: "/status", success: 0 };

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/** RFC 6749 §5.2. */
export const rfc6749TokenErrors: TokenErrorShape = (error, description, { basicTried }) => ({
  status: error === "invalid_client" ? 401 : 400,
  headers: { ...NO_STORE, ...(error === "invalid_client" && basicTried ? { "www-authenticate": 'Basic realm="token"' } : {}) },
  body: { error, error_description: description },
});

/** Strava's resource/field/code list (a dead refresh token is a 400 naming `refresh_token`). */
export const stravaTokenErrors: TokenErrorShape = (error, description, { grantType }) => {
  const field =
    error === "invalid_client"
      ? { resource: "Application", field: "client_id" }
      : error === "invalid_grant" && grantType === "refresh_token"
        ? { resource: "RefreshToken", field: "refresh_token" }
        : error === "invalid_grant"
          ? { resource: "AuthorizationCode", field: "code" }
          : { resource: "Request", field: error };
  return { status: 400, headers: NO_STORE, body: { message: "Bad Request", errors: [{ ...field, code: "invalid", detail: description }] } };
};

export const TOKEN_ERROR_SHAPES = { rfc6749: rfc6749TokenErrors, strava: stravaTokenErrors } satisfies Record<string, TokenErrorShape>;
export type TokenErrorShapeName = keyof typeof TOKEN_ERROR_SHAPES;

export function envelopeError(envelope: StatusEnvelope, error: OAuthErrorCode, description: string): MockAnswer {
  const status = error === "invalid_client" || error === "invalid_grant" ? 401 : 503;
  return { status: 200, headers: NO_STORE, body: setPointer({ error: `${error}: ${description}` }, envelope.statusPath, status) };
}

export function tokenSuccess(fields: Record<string, unknown>, envelope: StatusEnvelope | undefined): MockAnswer {
  if (!envelope) return { status: 200, headers: NO_STORE, body: fields };
  const body = setPointer(setPointer({}, envelope.statusPath, envelope.success), envelope.root, fields);
  return { status: 200, headers: NO_STORE, body };
}
