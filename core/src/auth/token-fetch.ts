import type { OAuth2AuthSpec } from "@tributary/schemas";
import type { ProviderResponse, ProviderTransport } from "../provider-http/transport.ts";
import { formDecoded } from "../contracts/percent-decoding.ts";
import { readPointer } from "../spec/pointer.ts";
import { scrubSecrets } from "../redaction/index.ts";
import { TokenEndpointError } from "./token-endpoint-error.ts";
import { isRecord } from "../contracts/is-record.ts";

export interface TokenFetchOptions {
  provider: string;
  transport: ProviderTransport;
  /** @default "form" */
  encoding?: "form" | "json";
  tokenResponse?: OAuth2AuthSpec["tokenResponse"];
  timeoutMs: number;
  maxResponseBytes: number;
}

/** The `customFetch` signature of oauth4webapi. */
export type TokenFetch = (url: string, init: { body?: unknown; headers: Record<string, string>; method: string; signal?: AbortSignal }) => Promise<Response>;

const SECRET_PARAMS = ["code", "code_verifier", "refresh_token", "password", "client_secret", "client_assertion"];
const CLIENT_ERRORS = new Set(["invalid_client", "unauthorized_client", "unsupported_grant_type"]);
const TEMPORARY_ERRORS = new Set(["temporarily_unavailable", "server_error", "slow_down"]);

/**
 * oauth4webapi builds token requests (grant parameters, client authentication, PKCE) and validates
 * successful answers; this adapter carries them over a ProviderTransport and makes the providers' own
 * dialects look like RFC 6749 to it: JSON request bodies, Withings' always-200 status envelope, JSON
 * answered as text/html, a missing `token_type`, an `id_token` we did not ask to validate (we connect,
 * we do not sign anyone in). Every failure is classified here, once, into a TokenEndpointError.
 */
export function createTokenFetch(options: TokenFetchOptions): TokenFetch {
  return async (url, init) => {
    const params = init.body instanceof URLSearchParams ? init.body : new URLSearchParams();
    const secrets = secretsOf(params, init.headers);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.headers)) headers[name.toLowerCase()] = value;
    let body: string;
    if (options.encoding === "json") {
      headers["content-type"] = "application/json";
      body = JSON.stringify(Object.fromEntries(params));
    } else {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = params.toString();
    }
    let response: ProviderResponse;
    try {
      response = await options.transport({
        method: "POST",
        url,
        headers,
        body,
        timeoutMs: options.timeoutMs,
        maxResponseBytes: options.maxResponseBytes,
        ...(init.signal === undefined ? {} : { signal: init.signal }),
      });
    } catch (error) {
      const reason = quoted(error instanceof Error ? error.message : String(error), secrets);
      throw new TokenEndpointError("unavailable", `${options.provider} token endpoint could not be reached: ${reason}`);
    }
    return interpret(options, response, secrets);
  };
}

function interpret(options: TokenFetchOptions, response: ProviderResponse, secrets: string[]): Response {
  const { provider } = options;
  const { status } = response;
  const text = response.body.toString("utf8");
  const json = parseJson(text);
  const describe = (what: unknown) => quoted(describeBody(what, text), secrets);

  if (status >= 200 && status < 300) {
    if (!isRecord(json)) {
      throw new TokenEndpointError("invalid_response", `${provider} token endpoint answered ${status} without a JSON object`, { status });
    }
    const envelope = options.tokenResponse;
    if (envelope?.statusPath !== undefined) {
      const value = readPointer(json, envelope.statusPath);
      const success = envelope.successValues ?? [0];
      if (!success.some((expected) => String(expected) === String(value))) {
        const reason = envelope.errorPath === undefined ? undefined : readPointer(json, envelope.errorPath);
        const refused = envelope.refusedValues?.some((v) => String(v) === String(value)) ?? false;
        const message = `${provider} token endpoint answered status ${String(value)}${reason === undefined ? "" : `: ${describe(reason)}`}`;
        throw new TokenEndpointError(refused ? "refused" : "unavailable", message, { status, providerError: String(value) });
      }
    }
    const tokens = envelope?.root ? readPointer(json, envelope.root) : json;
    if (!isRecord(tokens)) {
      throw new TokenEndpointError("invalid_response", `${provider} token endpoint answered without token fields at ${JSON.stringify(envelope?.root)}`, {
        status,
      });
    }
    const normalized: Record<string, unknown> = { ...tokens };
    delete normalized.id_token;
    // Optional fields sent as null ("refresh_token": null) mean absent; a scope list means its words.
    for (const name of ["refresh_token", "scope", "expires_in"]) if (normalized[name] === null) delete normalized[name];
    if (Array.isArray(normalized.scope)) normalized.scope = normalized.scope.join(" ");
    if (normalized.token_type === undefined || normalized.token_type === null) normalized.token_type = "Bearer";
    return new Response(JSON.stringify(normalized), { status: 200, headers: { "content-type": "application/json" } });
  }

  const providerError = isRecord(json) && typeof json.error === "string" && json.error !== "" ? json.error : undefined;
  const message = `${provider} token endpoint answered ${status}${providerError === undefined ? "" : ` ${quoted(providerError, secrets)}`}: ${describe(json)}`;
  const details = { status, ...(providerError === undefined ? {} : { providerError }) };
  if (status >= 300 && status < 400) {
    throw new TokenEndpointError("client", `${provider} token endpoint redirected (${status}) instead of answering: check the token URL`, details);
  }
  if (status === 408 || status === 425 || status === 429 || status >= 500 || (providerError !== undefined && TEMPORARY_ERRORS.has(providerError))) {
    const retryAfterMs = retryAfter(response.headers["retry-after"]);
    throw new TokenEndpointError("unavailable", message, { ...details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (providerError !== undefined) throw new TokenEndpointError(CLIENT_ERRORS.has(providerError) ? "client" : "refused", message, details);
  // Without an OAuth error code (Strava: {"message":"Bad Request","errors":[…]}), 400/401/403 is how a
  // token endpoint refuses a grant; anything else (404, 405, 415) means we are asking the wrong way.
  throw new TokenEndpointError(status === 400 || status === 401 || status === 403 ? "refused" : "client", message, details);
}

function secretsOf(params: URLSearchParams, headers: Record<string, string>): string[] {
  const found = SECRET_PARAMS.flatMap((name) => params.getAll(name));
  const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === "authorization")?.[1];
  if (authorization?.startsWith("Basic ")) {
    const encoded = authorization.slice(6);
    found.push(encoded);
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) found.push(decoded.slice(colon + 1), formDecoded(decoded.slice(colon + 1)));
  }
  return found;
}

function describeBody(value: unknown, text: string): string {
  if (typeof value === "string") return value;
  if (isRecord(value)) {
    for (const key of ["error_description", "message", "detail", "error"]) {
      if (typeof value[key] === "string" && value[key] !== "") return value[key] as string;
    }
    if (value.errors !== undefined) return JSON.stringify(value.errors);
    return JSON.stringify(value);
  }
  return text.trim() === "" ? "(empty body)" : text.trim();
}

function retryAfter(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const MAX_QUOTED = 300;

/**
 * Provider error texts sometimes quote what they were sent (Fitbit's "Access token expired: eyJ…"): what an
 * error quotes of an answer loses the request's secrets first, and is cut short.
 */
function quoted(text: string, secrets: readonly string[]): string {
  const out = scrubSecrets(text, secrets);
  return out.length > MAX_QUOTED ? `${out.slice(0, MAX_QUOTED)}…` : out;
}
