import { setTimeout as sleepFor } from "node:timers/promises";
import type { ClientFieldsAuth, ConnectorSpec, RequestSpec } from "@tributary/schemas";
import type { Credentials } from "../auth/credentials.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, UserError } from "../errors/tributary-error.ts";
import { silentLogger, type Logger } from "../log/logger.ts";
import { bodySnippet, responseView, type ProviderAnswer } from "./answer.ts";
import { ProviderAccessRevokedError, ProviderWaitError, providerUnavailable, requestFailed } from "./errors.ts";
import { createOriginPolicy, type OriginPolicy } from "./origin-policy.ts";
import type { ProviderBudget, ProviderBudgetGrant } from "./provider-budget.ts";
import { encodeBody, isClientAuth, renderRequest, type PreparedBody, type PreparedRequest } from "./render-request.ts";
import { newRequestStats, type RequestStats } from "./request-stats.ts";
import { compileResponseRules, type Decision } from "./response-rules.ts";
import { rateLimitedWaitMs } from "./rate-limited-wait.ts";
import { retryAfterMs } from "./retry-after.ts";
import { sentSecrets } from "./sent-secrets.ts";
import { scopeOf, template, type TemplateVariables } from "./template-scope.ts";
import type { ProviderRequest, ProviderResponse, ProviderTransport } from "./transport.ts";
import { describeRequest } from "./undici-transport.ts";

/** The operator's settings for one provider (`providers.<NAME>` in the config). */
export interface ProviderClientSettings {
  baseUrl?: string | undefined;
  clientId?: unknown;
  clientSecret?: unknown;
  options?: Readonly<Record<string, unknown>> | undefined;
}

export interface ProviderClientOptions {
  spec: Pick<ConnectorSpec, "name" | "http" | "options">;
  settings?: ProviderClientSettings | undefined;
  transport: ProviderTransport;
  /** The provider's rate budget, taken before every request; none = unmetered. */
  budget?: ProviderBudget | undefined;
  log?: Logger;
  /**
   * Waits up to this long are slept in-process (budget, Retry-After); a longer one is thrown as a
   * ProviderWaitError for the job to become a delayed job instead of holding its lock. @default 1000
   */
  maxInProcessWaitMs?: number;
  /** First retry backoff; doubles per attempt (with jitter), capped at 8× this. @default 250 */
  retryBackoffMs?: number;
  /** Told of every in-process wait once it ends: how long, and what for (the budget, a Retry-After, a retry's backoff). */
  onWait?: (ms: number, reason: ProviderWaitReason) => void;
}

/** What a request waited for: the rate budget, the provider's Retry-After (429, 503), or a retry's backoff. */
export type ProviderWaitReason = "budget" | "provider" | "retry";

/** One connection's view of the provider: its credentials, its user budget, its template variables. */
export interface ProviderSessionOptions {
  /** The Terra user id: the key of per-user rate windows. */
  userId?: string | undefined;
  credentials?: Credentials | undefined;
  /** Connection variables: `user_id`, `provider_user_id`, `reference_id`, `webhook_url`. */
  variables?: TemplateVariables | undefined;
  signal?: AbortSignal | undefined;
}

export interface ProviderClient {
  readonly provider: string;
  readonly policy: OriginPolicy;
  readonly stats: RequestStats;
  session(options?: ProviderSessionOptions): ProviderSession;
}

export interface ProviderSession {
  readonly stats: RequestStats;
  readonly signal: AbortSignal | undefined;
  /** The session's template variables with `extra` on top. */
  variables(extra?: TemplateVariables): TemplateVariables;
  prepare(spec: RequestSpec, extra?: TemplateVariables): Promise<PreparedRequest>;
  /** A GET of an absolute (or, with `relativeTo`, relative) URL on an allowed origin, headers and auth as `like`. */
  prepareUrl(url: string, options?: { relativeTo?: URL; like?: PreparedRequest }): PreparedRequest;
  /** Send with the budget, credentials and the response → action table; resolves on success or ignore. */
  execute(request: PreparedRequest): Promise<ProviderAnswer>;
  send(spec: RequestSpec, extra?: TemplateVariables): Promise<ProviderAnswer>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
const MAX_REDIRECTS = 5;
/** In-process 429 waits per request before the wait is handed to the job. */
const MAX_IN_PROCESS_RATE_LIMITS = 5;

/**
 * The provider HTTP client of a connector spec: renders requests, applies credentials, takes the rate
 * budget per request, sends through the transport and applies the response → action table —
 * success; ignore (an empty answer); refresh (Credentials.refresh, then one more try); rate_limited
 * (block the budget for as long as the provider says — `rateLimitedWaitMs` —, wait in-process when
 * short, else a ProviderWaitError); retry
 * (408, 5xx, timeouts, connection errors: backoff up to http.maxAttempts); revoked
 * (ProviderAccessRevokedError); fail (a user-class error). Redirects are followed on allowed origins.
 */
export function createProviderClient(options: ProviderClientOptions): ProviderClient {
  const { spec, transport, budget } = options;
  const provider = spec.name;
  const http = spec.http;
  if (!http) {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${provider} makes provider requests but its spec has no http section`, {
      hint: "Add http.baseUrl to the connector spec.",
    });
  }
  const settings = options.settings ?? {};
  const log = options.log ?? silentLogger();
  const connectorOptions = mergeOptions(spec.options, settings.options);
  const clientVariables: TemplateVariables = {
    options: connectorOptions,
    ...(typeof settings.clientId === "string" ? { client_id: settings.clientId } : {}),
  };
  const policy = createOriginPolicy({
    provider,
    specBaseUrl: template(http.baseUrl).render(scopeOf(clientVariables)),
    overrideBaseUrl: settings.baseUrl,
    allowedOrigins: http.allowedOrigins,
  });
  const decide = compileResponseRules(http.responses);
  const limits = { rateLimits: http.rateLimits, rateLimitHeaders: http.rateLimitHeaders };
  const timeoutMs = http.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAttempts = http.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const maxResponseBytes = http.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxInProcessWaitMs = options.maxInProcessWaitMs ?? 1000;
  const backoffMs = options.retryBackoffMs ?? 250;
  const commonHeaders = http.headers;
  const defaultHeaders: Record<string, string> = { accept: "application/json", ...commonHeaders };
  const clientStats = newRequestStats();

  const clientCredentials = (): { id: string; secret: string } => {
    const { clientId, clientSecret } = settings;
    if (typeof clientId !== "string" || typeof clientSecret !== "string" || clientId === "" || clientSecret === "") {
      throw new UserError(ErrorCodes.CONFIG_INVALID, `${provider} needs providers.${provider}.clientId and clientSecret for this request`, {
        hint: `Set providers.${provider}.clientId and providers.${provider}.clientSecret in the config.`,
      });
    }
    return { id: clientId, secret: clientSecret };
  };
  const clientBasic = (): string => {
    const { id, secret } = clientCredentials();
    return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  };

  function session(sessionOptions: ProviderSessionOptions = {}): ProviderSession {
    const { userId, credentials, signal } = sessionOptions;
    const stats = newRequestStats();
    const baseVariables: TemplateVariables = { ...clientVariables, ...sessionOptions.variables };
    // Credentials change when refreshed; a 401 to credentials older than the latest refresh only needs a retry.
    let generation = 0;
    let refreshing: Promise<boolean> | undefined;

    const count = (key: Exclude<keyof RequestStats, "startedAt">, by = 1) => {
      stats[key] += by;
      clientStats[key] += by;
    };

    const wait = async (ms: number, reason: ProviderWaitReason) => {
      const started = Date.now();
      try {
        await sleepFor(ms, undefined, signal ? { signal } : undefined);
      } finally {
        const waited = Date.now() - started;
        count("waitedMs", waited);
        options.onWait?.(waited, reason);
      }
    };

    const refresh = async (seenGeneration: number): Promise<boolean> => {
      if (generation !== seenGeneration) return true;
      if (!refreshing) {
        count("refreshes");
        refreshing = credentials!
          .refresh()
          .then((ok) => {
            if (ok) generation += 1;
            return ok;
          })
          .finally(() => {
            refreshing = undefined;
          });
      }
      return refreshing;
    };

    const takeBudget = async (request: PreparedRequest): Promise<ProviderBudgetGrant | undefined> => {
      if (!budget) return undefined;
      let waited = 0;
      for (;;) {
        // Held for as long as the request may take to reach the provider, which counts it on arrival.
        const decision = await budget.acquire(userId, timeoutMs);
        if (decision.ok) return decision.grant;
        if (decision.retryAfterMs > maxInProcessWaitMs || waited + decision.retryAfterMs > 5 * maxInProcessWaitMs) {
          throw new ProviderWaitError(
            `${provider} rate budget (${decision.window}) is spent; the next request fits in ${decision.retryAfterMs} ms`,
            decision.retryAfterMs,
            "budget",
            {
              details: { window: decision.window, request: request.label },
            },
          );
        }
        count("budgetWaits");
        waited += decision.retryAfterMs;
        await wait(decision.retryAfterMs, "budget");
      }
    };

    const toWire = async (request: PreparedRequest): Promise<{ wire: ProviderRequest; generation: number; secrets: string[] }> => {
      const headers: Record<string, string> = { ...request.headers };
      const url = new URL(request.url);
      const seen = generation;
      if (request.auth === "user" && credentials) {
        const target = { headers, url };
        await credentials.apply(target);
        for (const name of Object.keys(headers)) {
          const lower = name.toLowerCase();
          if (lower !== name) {
            headers[lower] = headers[name]!;
            delete headers[name];
          }
        }
      } else if (request.auth === "client_basic") {
        headers.authorization = clientBasic();
      }
      let body = request.body;
      const bodySecrets: string[] = [];
      if (typeof request.auth === "object") {
        const { id, secret } = clientCredentials();
        bodySecrets.push(secret);
        const fields = request.auth;
        if (fields.in === "query") {
          url.searchParams.set(fields.id, id);
          url.searchParams.set(fields.secret, secret);
        } else if (fields.in === "header") {
          headers[fields.id.toLowerCase()] = id;
          headers[fields.secret.toLowerCase()] = secret;
        } else {
          body = withClientFields(body, fields, id, secret);
        }
      }
      const wire: ProviderRequest = { method: request.method, url: url.href, headers, timeoutMs, maxResponseBytes, ...(signal ? { signal } : {}) };
      if (body) {
        const { contentType, bytes } = encodeBody(body);
        headers["content-type"] ??= contentType;
        wire.body = bytes;
      }
      return { wire, generation: seen, secrets: sentSecrets(wire, bodySecrets) };
    };

    const send = async (wire: ProviderRequest): Promise<ProviderResponse> => {
      const started = Date.now();
      count("attempts");
      try {
        const response = await transport(wire);
        count("bytesReceived", response.body.length);
        return response;
      } finally {
        count("transportMs", Date.now() - started);
      }
    };

    async function execute(prepared: PreparedRequest): Promise<ProviderAnswer> {
      count("requests");
      let request = prepared;
      let attempt = 0;
      let refreshed = false;
      let rateLimited = 0;
      let redirects = 0;
      for (;;) {
        signal?.throwIfAborted();
        const grant = await takeBudget(request);
        let sent: { response: ProviderResponse; applied: number; secrets: string[] } | { error: unknown };
        try {
          const { wire, generation, secrets } = await toWire(request);
          attempt += 1;
          sent = await send(wire).then(
            (response) => ({ response, applied: generation, secrets }),
            (error: unknown) => ({ error }),
          );
        } finally {
          // Whatever became of it, the request is over: from now on it counts as having reached the provider.
          if (grant) await budget!.settle(grant);
        }
        if ("error" in sent) {
          const error = sent.error;
          if (!isTributaryError(error) || error.errorClass !== "transient") throw error;
          if (attempt >= maxAttempts)
            throw providerUnavailable(`${error.message} (attempt ${attempt} of ${maxAttempts})`, {
              cause: error,
              details: { ...error.details, attempts: attempt },
            });
          count("retries");
          log.debug({ provider, request: request.label, attempt, reason: error.details?.failure }, "provider request failed; retrying");
          await wait(backoff(attempt), "retry");
          continue;
        }
        const { response, applied, secrets } = sent;
        await budget?.observe(userId, response.headers);
        const view = responseView(response);
        const decision: Decision = decide(view);
        const where = describeRequest(request.method, request.url);
        switch (decision.action) {
          case "success":
            return { status: response.status, headers: response.headers, body: view.json(), raw: response.body, ignored: false, url: request.url };
          case "ignore":
            return { status: response.status, headers: response.headers, body: null, raw: response.body, ignored: true, url: request.url };
          case "redirect": {
            redirects += 1;
            attempt -= 1;
            if (redirects > MAX_REDIRECTS) throw requestFailed(`${where} redirected more than ${MAX_REDIRECTS} times`);
            const target = policy.resolve(response.headers.location!, request.url);
            const keepsMethod = response.status === 307 || response.status === 308 || request.method === "GET" || request.method === "HEAD";
            const next: PreparedRequest = { ...request, url: target };
            if (!keepsMethod) {
              next.method = "GET";
              delete next.body;
            }
            request = next;
            continue;
          }
          case "refresh": {
            if (request.auth !== "user" || !credentials) {
              throw new UserError(
                ErrorCodes.AUTH_INVALID,
                `${where} refused the ${isClientAuth(request.auth) ? "client credentials" : "request"} (${response.status})`,
                {
                  hint: isClientAuth(request.auth)
                    ? `Check providers.${provider}.clientId and clientSecret.`
                    : "The request needs credentials: check its auth in the connector spec.",
                  details: { status: response.status },
                },
              );
            }
            if (refreshed) {
              throw new ProviderAccessRevokedError(`${where} still refuses the credentials after a refresh (${response.status})`, {
                details: { status: response.status },
              });
            }
            refreshed = true;
            attempt -= 1;
            if (!(await refresh(applied))) {
              throw new ProviderAccessRevokedError(`${where} refused the credentials (${response.status}) and there is nothing to refresh them with`, {
                details: { status: response.status },
              });
            }
            continue;
          }
          case "rate_limited": {
            count("rateLimited");
            const waitMs = rateLimitedWaitMs(limits, response.headers, decision.rule);
            await budget?.block(userId, waitMs);
            attempt -= 1;
            rateLimited += 1;
            if (waitMs > maxInProcessWaitMs || rateLimited > MAX_IN_PROCESS_RATE_LIMITS) {
              throw new ProviderWaitError(
                `${where} answered ${response.status}: rate limited for ${waitMs} ms${decision.rule?.message ? ` (${decision.rule.message})` : ""}`,
                waitMs,
                "provider",
                {
                  details: { status: response.status, request: request.label },
                },
              );
            }
            log.debug({ provider, request: request.label, waitMs }, "provider rate-limited a request; waiting in-process");
            await wait(waitMs, "provider");
            continue;
          }
          case "retry": {
            if (attempt >= maxAttempts) {
              throw providerUnavailable(
                `${where} answered ${response.status} ${attempt} times${decision.rule?.message ? ` (${decision.rule.message})` : ""}: ${bodySnippet(view.text(), secrets)}`,
                {
                  details: { status: response.status, attempts: attempt },
                },
              );
            }
            const said = retryAfterMs(response.headers, decision.rule?.retryAfter);
            const delay = said ?? backoff(attempt);
            if (delay > Math.max(maxInProcessWaitMs, 8 * backoffMs)) {
              // The provider says it is down for a while: nobody else should try before then either.
              await budget?.block(userId, delay);
              throw new ProviderWaitError(`${where} answered ${response.status} and asks to retry in ${delay} ms`, delay, "provider", {
                details: { status: response.status },
              });
            }
            count("retries");
            log.debug({ provider, request: request.label, status: response.status, attempt }, "provider answered a transient error; retrying");
            await wait(delay, said !== undefined ? "provider" : "retry");
            continue;
          }
          case "revoked":
            throw new ProviderAccessRevokedError(
              `${where} says access was revoked (${response.status})${decision.rule?.message ? `: ${decision.rule.message}` : ""}`,
              {
                kind: "revoked",
                details: { status: response.status },
              },
            );
          case "fail":
            throw requestFailed(
              `${where} answered ${response.status}${decision.rule?.message ? ` (${decision.rule.message})` : ""}: ${bodySnippet(view.text(), secrets)}`,
              {
                details: { status: response.status },
              },
            );
        }
      }
    }

    const backoff = (attempt: number) => {
      const ceiling = Math.min(8 * backoffMs, backoffMs * 2 ** (attempt - 1));
      return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    };

    const variables = (extra?: TemplateVariables): TemplateVariables => (extra ? { ...baseVariables, ...extra } : baseVariables);

    return {
      stats,
      signal,
      variables,
      async prepare(requestSpec, extra) {
        let vars = variables(extra);
        if (credentials && usesCredentialVariables(requestSpec, commonHeaders)) vars = { ...vars, ...(await credentials.variables()) };
        return renderRequest(requestSpec, vars, policy, defaultHeaders);
      },
      prepareUrl(url, { relativeTo, like } = {}) {
        return {
          method: "GET",
          url: policy.resolve(url, relativeTo),
          headers: {
            ...(like?.headers ??
              Object.fromEntries(Object.entries(defaultHeaders).map(([k, v]) => [k.toLowerCase(), template(v).render(scopeOf(baseVariables))]))),
          },
          auth: like?.auth ?? "user",
          label: like?.label ?? "GET <url>",
        };
      },
      execute,
      async send(requestSpec, extra) {
        return execute(await this.prepare(requestSpec, extra));
      },
    };
  }

  return { provider, policy, stats: clientStats, session };
}

/** Operator options over the spec's declared defaults. */
function mergeOptions(declared: ConnectorSpec["options"], given: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(declared ?? {})) if (option.default !== undefined) merged[name] = option.default;
  return { ...merged, ...given };
}

const credentialUse = new WeakMap<RequestSpec, boolean>();

/** Does the request carry `{access_token}` itself (in its URL or body) rather than through Credentials.apply? */
function usesCredentialVariables(spec: RequestSpec, commonHeaders: Readonly<Record<string, string>> | undefined): boolean {
  let uses = credentialUse.get(spec);
  if (uses === undefined) {
    const sources: string[] = [spec.path, ...Object.values(spec.query ?? {}), ...Object.values(spec.headers ?? {}), ...Object.values(commonHeaders ?? {})];
    collectStrings(spec.body, sources);
    uses = sources.some((source) => template(source).variables.some((name) => name === "access_token" || name.startsWith("access_token.")));
    credentialUse.set(spec, uses);
  }
  return uses;
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) collectStrings(item, into);
}

/** A body with the client's id and secret added as two fields (a form, or a JSON object); a form of the two when there was none. */
function withClientFields(body: PreparedBody | undefined, fields: ClientFieldsAuth, id: string, secret: string): PreparedBody {
  if (!body) return { encoding: "form", value: new URLSearchParams({ [fields.id]: id, [fields.secret]: secret }) };
  if (body.encoding === "form") {
    const form = new URLSearchParams(body.value);
    form.set(fields.id, id);
    form.set(fields.secret, secret);
    return { encoding: "form", value: form };
  }
  if (body.value === null || typeof body.value !== "object" || Array.isArray(body.value)) {
    throw new UserError(ErrorCodes.SPEC_INVALID, "The client id and secret go in the request's body, which is not an object of fields", {
      hint: "Give the request a form or JSON object body, or send the client's fields in the query or headers (auth.in).",
    });
  }
  return { encoding: "json", value: { ...(body.value as Record<string, unknown>), [fields.id]: id, [fields.secret]: secret } };
}
