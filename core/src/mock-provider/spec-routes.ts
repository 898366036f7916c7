import type { ConnectorSpec, RequestSpec, StreamSpec } from "@tributary/schemas";
import { authMethods } from "../auth/auth-methods.ts";
import { compileMatcher, type TemplateMatcher } from "./template-match.ts";

/** What a request to the mock is, once matched against the spec. */
export type SpecRouteKind =
  | { kind: "stream"; dataType: string; stream: StreamSpec }
  | { kind: "detail"; stream: StreamSpec; detail: NonNullable<StreamSpec["details"]>[number] }
  | { kind: "object"; stream: StreamSpec }
  | { kind: "probe"; stream: StreamSpec }
  | { kind: "transaction"; step: "create" | "list" | "commit"; stream: StreamSpec }
  | { kind: "profile"; idPath: string }
  | { kind: "grantedScopes"; scopesPath: string }
  | { kind: "lifecycle"; phase: "connect" | "disconnect"; index: number }
  | { kind: "revoke" }
  | { kind: "backfill"; dataType: string }
  | { kind: "subscription"; action: "list" | "create" | "delete" | "renew" };

export type SpecRoute = SpecRouteKind & {
  method: string;
  request: RequestSpec;
  path: TemplateMatcher;
  query: Array<[string, TemplateMatcher]>;
  /** Top-level fields of an object body, for form and JSON requests (Withings' action=getmeas). */
  body: Array<[string, TemplateMatcher | unknown]>;
  /** Parameters the stream executor adds for paging: never compared with the template. */
  pagingParams: Set<string>;
};

export interface RouteMatch {
  route: SpecRoute;
  variables: Record<string, string>;
}

export type RouteLookup = { ok: true; match: RouteMatch } | { ok: false; pathMatched: false } | { ok: false; pathMatched: true; problems: string[] };

/** The path part of a URL or URL template: "https://api.x.com/v2" → "/v2"; "" when there is none. */
export function pathOf(urlTemplate: string): string {
  const rest = urlTemplate.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
  const path = rest.split("?")[0] ?? "";
  return path === "/" ? "" : path.replace(/\/$/, "");
}

export function compileSpecRoutes(spec: ConnectorSpec, linkParams: { offsetParam: string; sizeParam?: string }): SpecRoute[] {
  const basePath = pathOf(spec.http?.baseUrl ?? "");
  const routes: SpecRoute[] = [];
  const add = (kind: SpecRouteKind, request: RequestSpec, pagingParams: string[] = []) => {
    const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(request.path)
      ? pathOf(request.path) || "/"
      : `${basePath}${request.path.startsWith("/") ? "" : "/"}${request.path}`;
    const bodyFields = typeof request.body === "object" && request.body !== null && !Array.isArray(request.body) ? Object.entries(request.body) : [];
    routes.push({
      ...kind,
      method: request.method ?? "GET",
      request,
      path: compileMatcher(path, "path"),
      query: Object.entries(request.query ?? {}).map(([name, value]) => [name, compileMatcher(value, "value")]),
      body: bodyFields.map(([name, value]) => [name, typeof value === "string" ? compileMatcher(value, "value") : value]),
      pagingParams: new Set(pagingParams),
    });
  };

  // The account request first: where a stream reads the same path (Peloton's /api/me), the provider
  // answers the one account object, not a list of it.
  for (const method of authMethods(spec.auth)) {
    if ("providerUserId" in method && method.providerUserId?.from === "request")
      add({ kind: "profile", idPath: method.providerUserId.path }, method.providerUserId.request);
    if ("grantedScopes" in method && method.grantedScopes) add({ kind: "grantedScopes", scopesPath: method.grantedScopes.path }, method.grantedScopes.request);
  }
  for (const [dataType, streams] of Object.entries(spec.streams ?? {})) {
    for (const stream of streams ?? []) {
      if (stream.request) add({ kind: "stream", dataType, stream }, stream.request, pagingParamsOf(stream, linkParams));
      for (const detail of stream.details ?? []) if (detail.request) add({ kind: "detail", stream, detail }, detail.request);
      if (stream.object) add({ kind: "object", stream }, stream.object.request);
      // The list before the create: both are often one path, the list's with the transaction's id after it.
      if (stream.transaction) for (const step of ["list", "commit", "create"] as const) add({ kind: "transaction", step, stream }, stream.transaction[step]);
    }
  }
  // After the streams: a probe is often a stream's own request with fewer parameters (Withings' getmeas).
  for (const streams of Object.values(spec.streams ?? {})) {
    for (const stream of streams ?? []) for (const probe of [stream.timezone?.probe ?? []].flat()) add({ kind: "probe", stream }, probe.request);
  }
  const auth = spec.auth;
  if ("lifecycle" in auth) {
    auth.lifecycle?.connect?.forEach((request, index) => add({ kind: "lifecycle", phase: "connect", index }, request));
    auth.lifecycle?.disconnect?.forEach((request, index) => add({ kind: "lifecycle", phase: "disconnect", index }, request));
  }
  if (auth.type === "oauth2" && auth.revoke) add({ kind: "revoke" }, auth.revoke);
  for (const [dataType, requests] of Object.entries(spec.sync?.backfillRequests ?? {})) {
    for (const request of Array.isArray(requests) ? requests : [requests]) add({ kind: "backfill", dataType }, request);
  }
  const subscription = spec.webhook?.subscription;
  if (subscription) {
    add({ kind: "subscription", action: "list" }, subscription.list.request);
    for (const request of subscription.create) add({ kind: "subscription", action: "create" }, request);
    add({ kind: "subscription", action: "delete" }, subscription.delete);
    if (subscription.renew) add({ kind: "subscription", action: "renew" }, subscription.renew.request);
  }
  return routes;
}

function pagingParamsOf(stream: StreamSpec, link: { offsetParam: string; sizeParam?: string }): string[] {
  const paging = stream.paging;
  if (!paging) return [];
  if (paging.type === "link") return [link.offsetParam, ...(link.sizeParam ? [link.sizeParam] : [])];
  return [paging.param, ...(paging.sizeParam ? [paging.sizeParam] : [])];
}

export interface IncomingRequest {
  method: string;
  /** Raw (percent-encoded) path. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/**
 * The route a request is for: its method and path fit, every constant parameter the template names has
 * its value, and every templated one fits (a templated parameter may be absent: a value that renders
 * empty is left out). Requests whose path fits but whose parameters do not get the reasons, for a 400.
 */
export function findRoute(routes: readonly SpecRoute[], incoming: IncomingRequest): RouteLookup {
  const method = incoming.method === "HEAD" ? "GET" : incoming.method;
  const problems: string[] = [];
  let pathMatched = false;
  for (const route of routes) {
    if (route.method !== method && route.method !== incoming.method) continue;
    const fromPath = route.path.match(incoming.path);
    if (!fromPath) continue;
    pathMatched = true;
    const variables: Record<string, string> = { ...fromPath };
    const mismatches: string[] = [];
    const take = (where: string, name: string, matcher: TemplateMatcher, value: string | undefined) => {
      if (value === undefined) {
        if (matcher.constant) mismatches.push(`${where} ${name} must be "${matcher.source}"`);
        return;
      }
      const found = matcher.match(value);
      if (!found) {
        mismatches.push(`${where} ${name}=${JSON.stringify(value)} does not fit "${matcher.source}"`);
        return;
      }
      for (const [variable, text] of Object.entries(found)) {
        if (variables[variable] !== undefined && variables[variable] !== text) mismatches.push(`{${variable}} has two values`);
        variables[variable] = text;
      }
    };
    for (const [name, matcher] of route.query) {
      if (route.pagingParams.has(name)) continue;
      take("query parameter", name, matcher, incoming.query.get(name) ?? undefined);
    }
    const body =
      typeof incoming.body === "object" && incoming.body !== null && !Buffer.isBuffer(incoming.body) ? (incoming.body as Record<string, unknown>) : undefined;
    for (const [name, expected] of route.body) {
      const value = body?.[name];
      if (isMatcher(expected))
        take(
          "body field",
          name,
          expected,
          value === undefined ? undefined : Array.isArray(value) ? String(value[0]) : typeof value === "string" ? value : JSON.stringify(value),
        );
      else if (JSON.stringify(value) !== JSON.stringify(expected)) mismatches.push(`body field ${name} must be ${JSON.stringify(expected)}`);
    }
    if (mismatches.length === 0) return { ok: true, match: { route, variables } };
    problems.push(...mismatches);
  }
  return pathMatched ? { ok: false, pathMatched, problems } : { ok: false, pathMatched: false };
}

const isMatcher = (value: unknown): value is TemplateMatcher =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as TemplateMatcher).match === "function" &&
  typeof (value as TemplateMatcher).source === "string";
