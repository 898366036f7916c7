import type { ConnectorSpec } from "@tributary/schemas";
import type { SpecPath } from "../spec-problem.ts";
import { authMethodsAt } from "./auth.ts";
import type { Check, Report } from "./check.ts";
import { specRequests } from "./spec-parts.ts";

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;
/** Placeholders replaced by a harmless word, to check the shape of a templated URL. */
const withoutPlaceholders = (text: string) => text.replace(/\{\{|\}\}/g, "").replace(/\{[^{}]*\}/g, "x");

/**
 * URLs are URLs; a request's path is relative to a base URL that exists, or absolute on an allowed
 * origin; the rate-limit and response tables describe something that exists and every row can match.
 */
export const checkHttp: Check = ({ spec }, report) => {
  const http = spec.http;
  const baseOrigin = http ? checkUrl(http.baseUrl, ["http", "baseUrl"], report) : undefined;
  const allowed = new Set<string>();
  if (baseOrigin) allowed.add(baseOrigin);
  http?.allowedOrigins?.forEach((origin, i) => {
    const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, "")) {
      report(["http", "allowedOrigins", i], `expected an origin such as "https://files.example.com" (scheme and host, no path), got ${JSON.stringify(origin)}`);
    } else allowed.add(parsed.origin);
  });

  // With a templated base URL ({options.region}) its origin is only known per deployment: checked then.
  const originsKnown = http === undefined || baseOrigin !== undefined;
  for (const { request, path } of specRequests(spec)) {
    if (!ABSOLUTE.test(request.path)) {
      if (!http) report([...path, "path"], "a path below http.baseUrl, but there is no http.baseUrl — add it, or write an absolute URL");
      continue;
    }
    const origin = checkUrl(request.path, [...path, "path"], report);
    if (origin !== undefined && originsKnown && !allowed.has(origin)) {
      report([...path, "path"], `${origin} is neither http.baseUrl's origin nor in http.allowedOrigins — add it there, or use a path below the base URL`);
    }
  }

  for (const { auth, path: at } of authMethodsAt(spec.auth)) {
    if (auth.type === "oauth2") {
      checkUrl(auth.authorizeUrl, [...at, "authorizeUrl"], report);
      if (auth.refreshUrl !== undefined) checkUrl(auth.refreshUrl, [...at, "refreshUrl"], report);
    }
    if (auth.type === "oauth2" || auth.type === "oauth2_password") checkUrl(auth.tokenUrl, [...at, "tokenUrl"], report);
  }

  if (http) checkRateLimits(http, report);
  http?.responses?.forEach((rule, i) => {
    const at = ["http", "responses", i];
    if (rule.equals !== undefined && rule.bodyPath === undefined) report([...at, "equals"], "needs bodyPath (the field that must equal one of these)");
    if (rule.retryAfter !== undefined && rule.action !== "rate_limited" && rule.action !== "retry") {
      report([...at, "retryAfter"], `never used: only rate_limited and retry wait, and this row's action is ${rule.action} — remove it`);
    }
    const catchAll = rule.status === undefined && rule.bodyPath === undefined && rule.contains === undefined;
    if (catchAll && i < (http.responses?.length ?? 0) - 1) {
      report(
        ["http", "responses", i + 1],
        `never reached: row ${i} has no status, bodyPath or contains, so it matches every response — move it last, or narrow it`,
      );
    }
  });
};

function checkRateLimits(http: NonNullable<ConnectorSpec["http"]>, report: Report): void {
  const declared = http.rateLimitHeaders;
  if (!declared) return;
  const sets = Array.isArray(declared) ? declared : [declared];
  const names = new Set((http.rateLimits ?? []).flatMap((limit) => (limit.name ? [limit.name] : [])));
  sets.forEach((headers, i) => {
    const at = Array.isArray(declared) ? ["http", "rateLimitHeaders", i] : ["http", "rateLimitHeaders"];
    for (const [j, name] of (headers.windows ?? []).entries()) {
      if (!names.has(name)) report([...at, "windows", j], `no rate limit is named ${JSON.stringify(name)} — use the name of one of http.rateLimits`);
    }
    const scope = headers.scope ?? "client";
    if (!(http.rateLimits ?? []).some((limit) => limit.scope === scope)) {
      report(at, `never used: the headers describe the ${scope} limits, and http.rateLimits has none with scope: ${scope} — declare them`);
    }
  });
}

/** An absolute http(s) URL (placeholders allowed); returns its origin when the origin is fixed. */
function checkUrl(text: string, path: SpecPath, report: Report): string | undefined {
  const candidate = withoutPlaceholders(text);
  const url = URL.canParse(candidate) ? new URL(candidate) : undefined;
  if (!url || !/^https?:$/.test(url.protocol)) {
    report(path, `expected an absolute http(s) URL such as "https://api.example.com/v1", got ${JSON.stringify(text)}`);
    return undefined;
  }
  return isTemplated(authorityOf(text)) ? undefined : url.origin;
}

/** "https://{options.region}.example.com/v1/x" → "https://{options.region}.example.com". */
function authorityOf(text: string): string {
  const start = text.indexOf("//");
  const end = start < 0 ? -1 : text.indexOf("/", start + 2);
  return end < 0 ? text : text.slice(0, end);
}

const isTemplated = (text: string) => /\{[^{}]*\}/.test(text.replace(/\{\{|\}\}/g, ""));
