import { normalizeName as normalize, secretSpellings } from "../redaction/index.ts";

/**
 * Keeps secrets out of recordings. Parameters and fields named like credentials are left out of the
 * request (an unnamed parameter is not compared on replay, so leaving a token out keeps the recording
 * usable), credential fields of answers are replaced, and every secret value seen — bearer tokens of the
 * requests, tokens handed out by token endpoints, configured secrets — is replaced wherever it appears,
 * even echoed inside an error message.
 */
export const REDACTED = "<redacted>";

export interface ScrubOptions {
  /** Secret values known up front (client secret, push secret). */
  secrets?: readonly string[];
  /** More parameter / field / header names to treat as secret. */
  names?: readonly string[];
}

/** Shorter values are not learned: replacing "1" or "abc" everywhere would wreck the recording. */
const MIN_SECRET_LENGTH = 8;

/**
 * Credential names in requests: query parameters, form fields, JSON fields. Their own list rather than the
 * rule stored provider traffic is scrubbed by (`redaction/`): what is named here is left out of a recording,
 * and what is not (a paging cursor such as `next_token`) is compared on replay.
 */
const REQUEST_NAMES = new Set(
  ["access_token", "refresh_token", "id_token", "token", "client_secret", "code", "code_verifier", "password", "api_key", "apikey", "key", "secret",
    "signature", "sig", "hub.verify_token", "verify_token", "verification_token", "webhook_token", "session_id", "csrf_token", "assertion", "client_assertion"].map(normalize),
);
/** Credential fields in answers ("code" is an error code there, not a secret). */
const RESPONSE_NAMES = new Set(
  ["access_token", "refresh_token", "id_token", "token", "client_secret", "password", "api_key", "apikey", "secret", "signature_secret_key",
    "webhook_token", "verification_token", "session_id", "csrf_token", "user_access_token", "private_key"].map(normalize),
);
const SECRET_SUFFIXES = ["accesstoken", "refreshtoken", "secret", "password", "apikey"];
/**
 * Request parameters left out although not secret: they change with the deployment or the run
 * (client id, redirect URI, random state and nonce), and a replay compares what a file names.
 */
const VOLATILE_NAMES = new Set(["client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method"].map(normalize));
/** Request headers never stored; their values are learned as secrets. */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token"]);
/** Response headers not stored: credentials, and what the transport recomputes. `date` is kept: it is when the provider answered, which dates a record that carries no time of its own (`{answered_at}`). */
const DROPPED_RESPONSE_HEADERS = new Set(["set-cookie", "authorization", "proxy-authorization", "www-authenticate-info", "content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "age", "server-timing", "alt-svc", "report-to", "nel", "cf-ray", "x-amz-cf-id"]);

export interface Scrubber {
  /** Remember a secret value: it is replaced wherever it appears from now on. */
  learn(value: unknown): void;
  /** Learn credentials from a request's headers (bearer and basic values, cookies, API keys). */
  learnHeaders(headers: Readonly<Record<string, string>>): void;
  /** Learn the values of credential fields anywhere in a JSON value (a token endpoint's answer). */
  learnJson(value: unknown): void;
  isSecretName(name: string, where: "request" | "response"): boolean;
  /** Query parameters to keep: credential and per-run names dropped, secret values replaced. */
  query(params: URLSearchParams): Record<string, string | string[]>;
  /** Body fields to keep (same rules as the query). */
  bodyFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown>;
  responseHeaders(headers: Readonly<Record<string, string>>): Record<string, string>;
  /** A JSON value with credential fields replaced and secret values replaced inside strings. */
  json(value: unknown): unknown;
  text(value: string): string;
}

export function createScrubber(options: ScrubOptions = {}): Scrubber {
  const extra = new Set((options.names ?? []).map(normalize));
  const secrets = new Set<string>();
  let ordered: string[] = [];

  const isSecretName = (name: string, where: "request" | "response"): boolean => {
    const key = normalize(name);
    if (extra.has(key)) return true;
    if ((where === "request" ? REQUEST_NAMES : RESPONSE_NAMES).has(key)) return true;
    return SECRET_SUFFIXES.some((suffix) => key.endsWith(suffix));
  };

  const learn = (value: unknown) => {
    if (typeof value !== "string" && typeof value !== "number") return;
    const text = String(value);
    if (text.length < MIN_SECRET_LENGTH || secrets.has(text)) return;
    // The URL- and form-encoded spellings of a secret are the secret too.
    for (const spelling of secretSpellings(text)) secrets.add(spelling);
    // Longest first, so a secret containing another is replaced whole.
    ordered = [...secrets].sort((a, b) => b.length - a.length);
  };
  for (const secret of options.secrets ?? []) learn(secret);

  const text = (value: string): string => {
    let out = value;
    for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };

  const json = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(json);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value)) out[name] = isSecretName(name, "response") && (typeof field === "string" || typeof field === "number") ? REDACTED : json(field);
    return out;
  };

  const learnJson = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(learnJson);
    if (value === null || typeof value !== "object") return;
    for (const [name, field] of Object.entries(value)) {
      if (isSecretName(name, "response")) learn(field);
      else learnJson(field);
    }
  };

  return {
    learn,
    learnJson,
    isSecretName,
    learnHeaders(headers) {
      for (const [name, value] of Object.entries(headers)) {
        if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) continue;
        learn(value);
        const scheme = /^(\w+)\s+(.+)$/.exec(value);
        if (scheme) {
          learn(scheme[2]);
          if (scheme[1]?.toLowerCase() === "basic") {
            const decoded = Buffer.from(scheme[2] ?? "", "base64").toString("utf8");
            learn(decoded.slice(decoded.indexOf(":") + 1));
          }
        }
        if (name.toLowerCase() === "cookie") for (const pair of value.split(";")) learn(pair.slice(pair.indexOf("=") + 1).trim());
      }
    },
    query(params) {
      const out: Record<string, string | string[]> = {};
      for (const name of new Set(params.keys())) {
        if (isSecretName(name, "request") || VOLATILE_NAMES.has(normalize(name))) continue;
        const values = params.getAll(name).map(text);
        out[name] = values.length === 1 ? (values[0] as string) : values;
      }
      return out;
    },
    bodyFields(fields) {
      const out: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(fields)) if (!isSecretName(name, "request") && !VOLATILE_NAMES.has(normalize(name))) out[name] = json(value);
      return out;
    },
    responseHeaders(headers) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        const lower = name.toLowerCase();
        if (lower.startsWith(":") || DROPPED_RESPONSE_HEADERS.has(lower)) continue;
        out[lower] = text(value);
      }
      return out;
    },
    json,
    text,
  };
}
