import type { ApiKeyAuthSpec, BearerTokenAuthSpec, ConnectorSpec, RequestSpec, StreamSpec, TimeFormat } from "@tributary/schemas";
import { authMethodOf } from "../auth/auth-methods.ts";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { singleHeader } from "../ingress/webhook-request.ts";
import { readPointer } from "../spec/pointer.ts";
import { sendAnswer } from "./answer.ts";
import { parseBasic } from "./client-auth.ts";
import { systemClock, type MockClock } from "./clock.ts";
import { resolveErrorShape, type ErrorShape, type ErrorShapeName, type ProviderErrorKind } from "./error-shapes.ts";
import { runHandshakes, type HandshakeOptions, type HandshakeResult } from "./handshakes.ts";
import { createMockApp, queryRecord, type MockApp } from "./mock-app.ts";
import { bearerToken, registerOAuthServer, type OAuthServer, type OAuthServerOptions } from "./oauth-server.ts";
import { findUser, userKey, type MockClient, type MockUser } from "./parties.ts";
import { acknowledgement } from "../ingress/acknowledgement.ts";
import { sendPush, signPush, type PushOptions, type PushResponse } from "./push-sender.ts";
import { headerSetsOf } from "../provider-http/rate-limited-wait.ts";
import { createRequestBudget, type BudgetWindow, type RequestBudget } from "./request-budget.ts";
import { setPointer } from "./set-pointer.ts";
import { createSubscriptionServer, type SubscriptionServer, type SubscriptionServerOptions } from "./subscription-server.ts";
import { DEFAULT_MOCK_CLIENT, oauthOptionsFromSpec } from "./spec-oauth.ts";
import { compileSpecRoutes, findRoute, pathOf, type RouteMatch } from "./spec-routes.ts";
import { bodyFieldsNeeded, streamPage } from "./stream-page.ts";
import { parseTimeParam, recordTime } from "./time-format.ts";
import { urlAnswerOf, urlAnswersFor, type UrlAnswer } from "./url-answers.ts";
import { createTransactionServer, type MockTransaction, type TransactionFixture } from "./transaction-server.ts";
import { isRecord } from "../contracts/is-record.ts";

/** The window a stream request asked for, in epoch milliseconds: [start, end). */
export interface RequestedWindow {
  start?: number;
  end?: number;
}

export type FixtureRecords =
  | readonly unknown[]
  | Readonly<Record<string, readonly unknown[]>>
  | ((context: { user: MockUser; window: RequestedWindow }) => readonly unknown[]);

export interface StreamFixture {
  /** Records every user sees (array), each user's (keyed by provider user id), or made per request. */
  records: FixtureRecords;
  /** Each record's time, to keep the records inside the requested window. @default the stream's checkpoint */
  time?: { path: string; format: TimeFormat };
  /** The document a page is written into (Withings: `{ "status": 0 }`). */
  envelope?: unknown;
  /** The endpoint answers one object (Strava's /athlete): the first record inside the window, else the envelope (an empty day), else a 404. Not with paging. */
  single?: boolean;
  /** Answers of the stream's detail requests, by detail name; no function, or an undefined answer, is a 404. */
  details?: Record<string, (record: unknown, user: MockUser) => unknown>;
  /** Page size when neither the spec nor the request sets one. @default 50 */
  pageSize?: number;
  /** A larger page size asked for is cut to this (Strava: 200). */
  maxPageSize?: number;
  /** A transaction stream's items (`records`, each new until committed), their URLs and parts, and the transactions' lifetime. */
  transaction?: TransactionFixture;
}

export interface SpecFixtures {
  users: MockUser[];
  /** @default one client: mock-client-id / mock-client-secret (or the spec's public client) */
  clients?: MockClient[];
  /** By stream name. A stream without fixtures answers no records. */
  streams?: Record<string, StreamFixture>;
  /** Answers at URLs pushes name (pull_url), which no stream describes. */
  urls?: UrlAnswer[];
  /** How the provider answers what the spec does not say. */
  provider?: ProviderBehaviour;
}

/** How the real provider answers, where the spec does not say: its error bodies, what its 429 carries. */
export interface ProviderBehaviour {
  /** How data routes write errors. @default "generic" */
  errors?: ErrorShapeName;
  /**
   * What a refused (429) answer carries besides the rate-limit headers the spec declares: `retryAfter:
   * false` for providers that send no Retry-After (Strava, WHOOP, Polar, Wahoo). @default { retryAfter: true }
   */
  rateLimited?: { retryAfter: boolean };
}

/** A request the mock refused for its rate limits, and when the window let requests in again. */
export interface RateLimitRefusal {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Epoch ms of the refusal. */
  at: number;
  /** Epoch ms from which the refused request would have been let in. */
  freeAt: number;
}

export interface MockFromSpecOptions {
  clock?: MockClock;
  /** How data routes write errors. @default the fixtures' provider.errors, else "generic" */
  errors?: ErrorShape | ErrorShapeName;
  /** The spec's rate limits are enforced; false turns them off, a list replaces them. */
  rateLimits?: false | BudgetWindow[];
  /** The application's push subscriptions (`webhook.subscription`): how long they last, how long a callback may take to answer its check. */
  subscriptions?: Pick<SubscriptionServerOptions, "lifetimeSeconds" | "handshakeTimeoutMs">;
  /** Overrides of the OAuth server the spec describes (token lifetimes, reuse detection…). */
  oauth?: Partial<OAuthServerOptions>;
  /**
   * Link paging: the parameters the mock's next links carry, read back when they are followed (the spec
   * leaves them to the provider). @default { offsetParam: "offset", sizeParam: "limit" }
   */
  link?: { offsetParam?: string; sizeParam?: string | false };
  logger?: boolean;
}

export interface LifecycleCall {
  phase: "connect" | "disconnect" | "backfill" | "revoke";
  path: string;
  userId?: string;
  variables: Record<string, string>;
}

export interface MockProviderUrls {
  /** Where the spec's `http.baseUrl` points when the mock stands in (providers.<NAME>.baseUrl). */
  baseUrl: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
}

export interface MockProvider extends MockApp {
  readonly spec: ConnectorSpec;
  readonly oauth?: OAuthServer;
  readonly budget?: RequestBudget;
  readonly lifecycleCalls: LifecycleCall[];
  /** Requests refused for the rate limits, in order. */
  readonly rateLimited: RateLimitRefusal[];
  /** The application's push subscriptions the mock holds, by client id (`webhook.subscription`). */
  readonly subscriptions?: SubscriptionServer["byClient"];
  /** The transactions of transaction streams handed out, in order, with what became of each. */
  readonly transactions: readonly MockTransaction[];
  /** The mock's URLs, once listening. */
  urls(): MockProviderUrls;
  /** Sends a push signed the way the spec's webhook is verified. */
  push(callbackUrl: string, payload: unknown, options: Omit<PushOptions, "verify" | "encoding" | "payload">): Promise<PushResponse>;
  /** Sends the spec's `webhook.examples[index]`, signed. */
  pushExample(callbackUrl: string, index: number, options: Omit<PushOptions, "verify" | "encoding" | "payload">): Promise<PushResponse>;
  /** Makes the spec's handshakes against a callback URL, as the provider does when a subscription is made. */
  handshake(callbackUrl: string, options?: HandshakeOptions): Promise<HandshakeResult[]>;
}

/** `scope`: what the access token was granted, when the request came with one. */
type Identity = { user?: MockUser; clientId: string; scope?: readonly string[] };
type AuthResult = { ok: true; identity: Identity } | { ok: false; kind: ProviderErrorKind; token?: string; message: string };

/**
 * A provider mock built from a connector spec and fixture records: its OAuth endpoints, every stream
 * at its path with its declared date parameters (in their declared formats; records outside the
 * window left out) and paging, detail and object requests, the profile and granted-scopes requests, lifecycle and revoke
 * requests, answers at URLs pushes name, its rate limits, and pushes signed the spec's way. Errors and
 * refusals come in the provider's shape.
 */
export function mockFromSpec(spec: ConnectorSpec, fixtures: SpecFixtures, options: MockFromSpecOptions = {}): MockProvider {
  const clock = options.clock ?? systemClock;
  const errors = resolveErrorShape(options.errors ?? fixtures.provider?.errors);
  const sendsRetryAfter = fixtures.provider?.rateLimited?.retryAfter ?? true;
  const sizeParam = options.link?.sizeParam ?? "limit";
  const link = { offsetParam: options.link?.offsetParam ?? "offset", ...(sizeParam !== false ? { sizeParam } : {}) };
  checkFixtures(spec, fixtures);
  const mock = createMockApp({ logger: options.logger ?? false });
  const { app } = mock;

  const derived = oauthOptionsFromSpec(spec.auth, fixtures, { providerName: spec.displayName, clock });
  const oauth = derived ? registerOAuthServer(app, { ...derived, ...options.oauth }) : undefined;
  const clients = derived?.clients ?? fixtures.clients ?? [DEFAULT_MOCK_CLIENT];
  const windows = options.rateLimits === false ? [] : (options.rateLimits ?? spec.http?.rateLimits ?? []);
  const headerSets = headerSetsOf(spec.http?.rateLimitHeaders);
  const budget = windows.length > 0 ? createRequestBudget({ windows, clock, headers: headerSets }) : undefined;
  const rateLimited: RateLimitRefusal[] = [];
  const routes = compileSpecRoutes(spec, link);
  const fixtureOf = (stream: StreamSpec): StreamFixture | undefined => fixtures.streams?.[stream.name];
  const allStreams = Object.values(spec.streams ?? {})
    .flat()
    .filter((stream): stream is StreamSpec => stream !== undefined);
  /** Other streams whose object request is the same request as this stream's: the records it may fetch by id. */
  const sharedObjectStreams = (stream: StreamSpec): StreamSpec[] =>
    stream.object ? allStreams.filter((other) => other !== stream && other.object?.request.path === stream.object!.request.path) : [];
  const lifecycleCalls: LifecycleCall[] = [];
  const registered = new Set<string>();
  const registers = "lifecycle" in spec.auth && (spec.auth.lifecycle?.connect?.length ?? 0) > 0;
  const transactions = createTransactionServer({
    clock,
    fixtureOf: (stream) => fixtureOf(stream)?.transaction,
    recordsOf: (stream, user) => recordsFor(fixtureOf(stream), user, {}),
    // Where the spec registers users after consent (Polar), only registered users' data is served.
    registered: (user) => !registers || [...registered].some((entry) => entry.endsWith(`|${userKey(user)}`)),
  });
  const subscriptions = spec.webhook?.subscription
    ? createSubscriptionServer(spec, {
        clock,
        ...(options.subscriptions ?? {}),
        clientSecret: (clientId) => clients.find((c) => c.id === clientId)?.secret,
      })
    : undefined;

  const refuse = (reply: FastifyReply, kind: ProviderErrorKind, message: string, token?: string, headers: Record<string, string> = {}) => {
    const answer = errors(kind, { message, ...(token !== undefined ? { token } : {}) });
    return sendAnswer(reply, { ...answer, headers: { ...headers, ...answer.headers } });
  };

  const pastedSecret = (request: FastifyRequest, method: BearerTokenAuthSpec | ApiKeyAuthSpec): string | undefined => {
    const where =
      method.type === "bearer_token"
        ? { in: "header", name: method.header ?? "Authorization", prefix: method.prefix ?? "Bearer " }
        : { in: method.in, name: method.name, prefix: method.prefix ?? "" };
    const raw =
      where.in === "header" ? singleHeader(request.headers, where.name) : (new URL(request.url, "http://mock").searchParams.get(where.name) ?? undefined);
    const secret = raw === undefined ? undefined : where.prefix === "" ? raw : bearerToken(raw, where.prefix);
    return secret || undefined;
  };
  /** The fixture user whose own token (`token`, or `apiKey`) the request carries, for a token method of the spec. */
  const tokenMethod = authMethodOf(spec.auth, ["bearer_token", "api_key"]) as BearerTokenAuthSpec | ApiKeyAuthSpec | undefined;
  const pastedTokenUser = (request: FastifyRequest): MockUser | undefined => {
    if (tokenMethod === undefined) return undefined;
    const secret = pastedSecret(request, tokenMethod);
    if (secret === undefined) return undefined;
    return fixtures.users.find((u) => (tokenMethod.type === "bearer_token" ? u.token : u.apiKey) === secret);
  };

  const authenticate = (request: FastifyRequest, mode: NonNullable<RequestSpec["auth"]>, variables: Record<string, string>): AuthResult => {
    if (mode === "none") return { ok: true, identity: { clientId: "" } };
    if (mode === "client_basic") {
      const basic = parseBasic(request.headers.authorization);
      const client = basic && clients.find((c) => c.id === basic.id && c.secret === basic.secret);
      return client
        ? { ok: true, identity: { clientId: client.id } }
        : { ok: false, kind: "invalid_token", message: "client credentials (HTTP basic) missing or wrong" };
    }
    if (typeof mode === "object") {
      const field = (name: string): string | undefined => {
        if (mode.in === "header") return singleHeader(request.headers, name);
        if (mode.in === "query") return new URL(request.url, "http://mock").searchParams.get(name) ?? undefined;
        const value = isBodyObject(request.body) ? request.body[name] : undefined;
        return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
      };
      const id = field(mode.id);
      const client = clients.find((c) => c.id === id && c.secret !== undefined && c.secret === field(mode.secret));
      return client
        ? { ok: true, identity: { clientId: client.id } }
        : { ok: false, kind: "invalid_token", message: `client credentials (${mode.id}, ${mode.secret} in the ${mode.in}) missing or wrong` };
    }
    const auth = spec.auth;
    if (oauth) {
      const token = variables.access_token ?? bearerToken(request.headers.authorization);
      const outcome = oauth.authenticateToken(token);
      // A provider that also takes pasted tokens (an alternative method) knows its users' own tokens too.
      const pasted = outcome.ok ? undefined : pastedTokenUser(request);
      if (pasted !== undefined) return { ok: true, identity: { user: pasted, clientId: "" } };
      if (!outcome.ok) return { ok: false, kind: outcome.kind, ...(outcome.token ? { token: outcome.token } : {}), message: messageFor(outcome.kind) };
      return { ok: true, identity: { user: outcome.user, clientId: outcome.clientId, scope: outcome.grant.scope } };
    }
    if (auth.type === "bearer_token" || auth.type === "api_key") {
      const secret = pastedSecret(request, auth);
      if (!secret)
        return { ok: false, kind: "missing_token", message: `${auth.type === "bearer_token" ? (auth.header ?? "Authorization") : auth.name} is missing` };
      const user = pastedTokenUser(request);
      return user ? { ok: true, identity: { user, clientId: "" } } : { ok: false, kind: "invalid_token", token: secret, message: messageFor("invalid_token") };
    }
    // partner_push and none: the request names its user, if any.
    const named = variables.provider_user_id === undefined ? undefined : findUser(fixtures.users, variables.provider_user_id);
    const user = named ?? (fixtures.users.length === 1 ? fixtures.users[0] : undefined);
    return { ok: true, identity: { clientId: "", ...(user ? { user } : {}) } };
  };

  /** The budget taken for a request: the headers to send with its answer, or the refusal already sent. */
  const takeBudget = (
    request: FastifyRequest,
    reply: FastifyReply,
    url: URL,
    identity: Identity,
  ): { headers: Record<string, string> } | { refused: FastifyReply } => {
    if (!budget) return { headers: {} };
    const decision = budget.take({ clientId: identity.clientId, ...(identity.user ? { userId: userKey(identity.user) } : {}) });
    if (decision.allowed) return { headers: decision.headers };
    rateLimited.push({ method: request.method, path: url.pathname, query: queryRecord(url.searchParams), at: clock.now(), freeAt: decision.freeAt });
    const headers = { ...decision.headers, ...(sendsRetryAfter ? { "retry-after": String(decision.retryAfterSeconds) } : {}) };
    return {
      refused: refuse(
        reply,
        "rate_limited",
        `rate limit ${decision.window.name ?? `${decision.window.max}/${decision.window.perSeconds}s`} exceeded`,
        undefined,
        headers,
      ),
    };
  };

  /** A GET of a URL a push named (fixtures.urls), with the user's token. */
  const handleUrl = (request: FastifyRequest, reply: FastifyReply, url: URL, candidates: UrlAnswer[]) => {
    const auth = authenticate(request, "user", {});
    if (!auth.ok) return refuse(reply, auth.kind, auth.message, auth.token);
    const budgeted = takeBudget(request, reply, url, auth.identity);
    if ("refused" in budgeted) return budgeted.refused;
    const answer = urlAnswerOf(candidates, auth.identity.user);
    if (!answer) return refuse(reply, "not_found", `nothing at ${url.pathname} for this user`, undefined, budgeted.headers);
    if (answer.bodyBase64 !== undefined)
      return sendAnswer(reply, {
        status: answer.status ?? 200,
        headers: { ...budgeted.headers, "content-type": "application/octet-stream" },
        body: Buffer.from(answer.bodyBase64, "base64"),
      });
    return sendAnswer(reply, { status: answer.status ?? 200, headers: budgeted.headers, body: structuredClone(answer.body) });
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = new URL(request.url, "http://mock");
    const lookup = findRoute(routes, { method: request.method, path: url.pathname, query: url.searchParams, body: request.body });
    if (!lookup.ok && !lookup.pathMatched) {
      if (request.method === "GET" && transactions.transactions.length > 0) {
        const auth = authenticate(request, "user", {});
        if (!auth.ok) return refuse(reply, auth.kind, auth.message, auth.token);
        const answer = transactions.item(url.pathname, auth.identity.user, `${request.protocol}://${request.host}${url.pathname}`);
        if (answer) {
          const budgeted = takeBudget(request, reply, url, auth.identity);
          if ("refused" in budgeted) return budgeted.refused;
          if ("kind" in answer) return refuse(reply, answer.kind, answer.message, undefined, budgeted.headers);
          return sendAnswer(reply, { ...answer, headers: budgeted.headers });
        }
      }
      const candidates = request.method === "GET" ? urlAnswersFor(fixtures.urls ?? [], url) : [];
      if (candidates.length > 0) return handleUrl(request, reply, url, candidates);
      return refuse(reply, "not_found", `no ${request.method} ${url.pathname} on this provider`);
    }
    if (!lookup.ok) return refuse(reply, "bad_request", lookup.problems.join("; "));
    const { route, variables } = lookup.match;

    const auth = authenticate(request, route.request.auth ?? "user", variables);
    if (!auth.ok) return refuse(reply, auth.kind, auth.message, auth.token);
    const identity = auth.identity;
    if (variables.provider_user_id !== undefined && identity.user && userKey(identity.user) !== variables.provider_user_id) {
      return refuse(reply, "forbidden", `the token belongs to user ${userKey(identity.user)}, not ${variables.provider_user_id}`);
    }
    if (variables.client_id !== undefined && !clients.some((c) => c.id === variables.client_id))
      return refuse(reply, "bad_request", `unknown client_id ${variables.client_id}`);

    let budgetHeaders: Record<string, string> = {};
    if (route.kind !== "revoke") {
      const budgeted = takeBudget(request, reply, url, identity);
      if ("refused" in budgeted) return budgeted.refused;
      budgetHeaders = budgeted.headers;
    }
    if (route.kind === "subscription") {
      const answer = await subscriptions!.answer(route.action, { clientId: identity.clientId, variables, body: request.body });
      if ("kind" in answer) return refuse(reply, answer.kind, answer.message, undefined, budgetHeaders);
      return sendAnswer(reply, { status: answer.status, headers: budgetHeaders, ...(answer.body !== undefined ? { body: answer.body } : {}) });
    }
    const answer = routeAnswer(request, lookup.match, identity, url);
    if ("kind" in answer) return refuse(reply, answer.kind, answer.message, undefined, budgetHeaders);
    return sendAnswer(reply, { ...answer, headers: { ...budgetHeaders, ...answer.headers } });
  };

  type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | { kind: ProviderErrorKind; message: string };

  const routeAnswer = (request: FastifyRequest, match: RouteMatch, identity: Identity, url: URL): Answer => {
    const { route, variables } = match;
    const user = identity.user;
    const needUser = (): MockUser | Answer => user ?? { kind: "bad_request", message: "the request does not say which user it is for" };

    if (route.kind === "stream") {
      const who = needUser();
      if (!("id" in who)) return who;
      const window = requestedWindow(route.stream, variables);
      if ("problem" in window) return { kind: "bad_request", message: window.problem };
      const fixture = fixtureOf(route.stream);
      // Fields the connector sets itself (recordFields) are not the provider's: the fixture may carry them
      // (to know each record's day), the answer does not.
      const records = withoutRecordFields(route.stream, inWindow(route.stream, fixture, recordsFor(fixture, who, window), window));
      if (fixture?.single) {
        if (records.length === 0) {
          // An envelope is what the provider answers for a window without data (Fitbit's empty day); else a 404.
          if (fixture.envelope !== undefined) return { status: 200, body: structuredClone(fixture.envelope) };
          return { kind: "not_found", message: `no ${route.stream.name} for this user in the window` };
        }
        return { status: 200, body: setPointer(structuredClone(fixture.envelope ?? {}), route.stream.records ?? "", records[0]) };
      }
      const body = isBodyObject(request.body) ? request.body : {};
      const page = streamPage({
        stream: route.stream,
        records,
        param: (name) => url.searchParams.get(name) ?? (typeof body[name] === "string" ? (body[name] as string) : undefined),
        requestUrl: `${request.protocol}://${request.host}${request.url}`,
        envelope: fixture?.envelope,
        defaultPageSize: fixture?.pageSize ?? 50,
        ...(fixture?.maxPageSize !== undefined ? { maxPageSize: fixture.maxPageSize } : {}),
        link,
      });
      return page.ok ? { status: 200, headers: page.headers, body: page.body } : { kind: "bad_request", message: page.problem };
    }
    if (route.kind === "detail" || route.kind === "object") {
      const who = needUser();
      if (!("id" in who)) return who;
      const fixture = fixtureOf(route.stream);
      const all = recordsFor(fixture, who, {});
      if (route.kind === "object") {
        const id = variables.object_id;
        const record = all.find((r) => String(readPointer(r, route.stream.id)) === id);
        if (record === undefined) return { kind: "not_found", message: `no ${route.stream.name} record ${id}` };
        const select = route.stream.object?.record ?? "";
        return { status: 200, body: select === "" ? record : setPointer(structuredClone(fixture?.envelope ?? {}), select, record) };
      }
      // A detail fetched once per read is the user's, not a record's: the user's profile fixture answers it.
      if (route.detail.once) return { status: 200, body: structuredClone(who.profile ?? {}) };
      const wanted = Object.entries(variables).filter(([name]) => name.startsWith("record."));
      // The record may be one the stream's object request fetched from another stream's records (WHOOP's
      // recovery push names a sleep, fetched for the cycles stream): those are searched too.
      const candidates = [...all, ...sharedObjectStreams(route.stream).flatMap((other) => recordsFor(fixtureOf(other), who, {}))];
      const record = candidates.find((r) =>
        wanted.every(([name, value]) => String(readPointer(r, `/${name.slice("record.".length).replaceAll(".", "/")}`)) === value),
      );
      if (record === undefined) return { kind: "not_found", message: `no ${route.stream.name} record with ${wanted.map(([n, v]) => `${n}=${v}`).join(", ")}` };
      const detail = fixture?.details?.[route.detail.name];
      if (!detail) return { kind: "not_found", message: `the mock has no fixture for detail ${route.detail.name} of stream ${route.stream.name}` };
      const answer = detail(record, who);
      if (answer === undefined) return { kind: "not_found", message: `no ${route.detail.name} for this ${route.stream.name} record` };
      return { status: 200, body: answer };
    }
    if (route.kind === "transaction") {
      const who = needUser();
      if (!("id" in who)) return who;
      const here = `${request.protocol}://${request.host}${url.pathname}`;
      if (route.step === "create") return transactions.create(route.stream, who, here);
      const id = variables.transaction_id ?? "";
      return route.step === "list" ? transactions.list(route.stream, who, id, here) : transactions.commit(route.stream, who, id);
    }
    if (route.kind === "probe") {
      // What the member's zone is the provider's: the stream's envelope says it (Withings' timezone beside
      // every answer), else the user's profile fixture (a profile request).
      const who = needUser();
      if (!("id" in who)) return who;
      return { status: 200, body: structuredClone(fixtureOf(route.stream)?.envelope ?? who.profile ?? {}) };
    }
    if (route.kind === "profile") {
      const who = needUser();
      if (!("id" in who)) return who;
      return { status: 200, body: setPointer(structuredClone(who.profile ?? {}), route.idPath, who.id) };
    }
    if (route.kind === "grantedScopes") {
      const who = needUser();
      if (!("id" in who)) return who;
      return { status: 200, body: setPointer({}, route.scopesPath, [...(who.scopes ?? identity.scope ?? [])]) };
    }
    // Answered asynchronously by the subscription server before this.
    if (route.kind === "subscription") return { kind: "not_found", message: "no such subscription request" };
    const call: LifecycleCall = {
      phase: route.kind === "lifecycle" ? route.phase : route.kind,
      path: url.pathname,
      variables,
      ...(user ? { userId: userKey(user) } : {}),
    };
    if (route.kind === "revoke") {
      const outcome = oauth?.authenticateToken(variables.access_token ?? bearerToken(request.headers.authorization));
      if (outcome && !outcome.ok) return { kind: outcome.kind, message: messageFor(outcome.kind) };
      if (outcome?.ok) oauth?.tokens.revoke(outcome.token);
      lifecycleCalls.push({ ...call, ...(outcome?.ok ? { userId: userKey(outcome.user) } : {}) });
      return { status: 200, body: {} };
    }
    lifecycleCalls.push(call);
    if (route.kind === "backfill") return { status: 202, body: {} };
    const key = `${route.index}|${user ? userKey(user) : ""}`;
    if (route.phase === "connect") {
      if (registered.has(key)) return { status: 409, body: { message: "already registered" } };
      registered.add(key);
      return { status: 200, body: user ? { id: user.id } : {} };
    }
    for (const entry of [...registered]) if (entry.endsWith(`|${user ? userKey(user) : ""}`)) registered.delete(entry);
    return { status: 204 };
  };

  app.route({ method: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], url: "/*", handler: handle });

  const webhook = spec.webhook;
  const pushWith = async (callbackUrl: string, payload: unknown, pushOptions: Omit<PushOptions, "verify" | "encoding" | "payload">) => {
    if (!webhook)
      throw new UserError(ErrorCodes.MOCK_INVALID, `${spec.name} declares no webhook: the mock has nothing to push`, {
        hint: "Add a webhook section to the connector spec.",
      });
    return sendPush(callbackUrl, signPush({ ...pushOptions, verify: webhook.verify, encoding: webhook.body ?? "json", payload }), {
      acknowledgeStatus: acknowledgement(webhook).status,
    });
  };

  return Object.assign(mock, {
    spec,
    ...(oauth ? { oauth } : {}),
    ...(budget ? { budget } : {}),
    lifecycleCalls,
    rateLimited,
    transactions: transactions.transactions,
    ...(subscriptions ? { subscriptions: subscriptions.byClient } : {}),
    urls(): MockProviderUrls {
      const origin = mock.origin;
      return {
        baseUrl: `${origin}${pathOf(spec.http?.baseUrl ?? "")}`,
        ...(oauth?.paths.authorize !== undefined ? { authorizeUrl: `${origin}${oauth.paths.authorize}` } : {}),
        ...(oauth ? { tokenUrl: `${origin}${oauth.paths.token}`, refreshUrl: `${origin}${oauth.paths.refresh}` } : {}),
      };
    },
    push: pushWith,
    async pushExample(callbackUrl: string, index: number, pushOptions: Omit<PushOptions, "verify" | "encoding" | "payload">) {
      const example = webhook?.examples?.[index];
      if (!example)
        throw new UserError(ErrorCodes.MOCK_INVALID, `${spec.name} has no webhook example #${index}`, {
          hint: "Add it under webhook.examples in the connector spec.",
        });
      return pushWith(callbackUrl, example.body, { ...pushOptions, headers: { ...example.headers, ...pushOptions.headers } });
    },
    handshake: (callbackUrl: string, handshakeOptions?: HandshakeOptions) => runHandshakes(callbackUrl, webhook?.handshakes ?? [], handshakeOptions),
  });
}

function requestedWindow(stream: StreamSpec, variables: Record<string, string>): RequestedWindow | { problem: string } {
  const range = stream.dateRange;
  if (!range) return {};
  const window: RequestedWindow = {};
  if (variables.start !== undefined && variables.start !== "") {
    const start = parseTimeParam(variables.start, range.start.format);
    if (!start.ok) return { problem: `start of the window: ${start.problem}` };
    window.start = start.ms;
  }
  if (variables.end !== undefined && variables.end !== "") {
    const bound = range.end ?? range.start;
    const end = parseTimeParam(variables.end, bound.format);
    if (!end.ok) return { problem: `end of the window: ${end.problem}` };
    // An inclusive end names the last day or instant inside the window.
    window.end = range.end?.inclusive ? end.ms + (bound.format === "date" ? 86_400_000 : bound.format === "unix_seconds" ? 1000 : 1) : end.ms;
  }
  // A request that passes only its start asks for the stream's largest window (Fitbit's one day a request).
  if (window.start !== undefined && window.end === undefined && range.end === undefined && range.maxWindowDays !== undefined) {
    window.end = window.start + range.maxWindowDays * 86_400_000;
  }
  if (window.start !== undefined && window.end !== undefined) {
    if (window.end < window.start) return { problem: "the window ends before it starts" };
    // Clients write bounds at the format's resolution, rounding outward so nothing is missed: a window of
    // maxWindowDays from a start inside a second (a day) is one unit longer as written.
    const unitMs = range.start.format === "date" ? 86_400_000 : range.start.format === "unix_ms" ? 1 : 1000;
    if (range.maxWindowDays !== undefined && window.end - window.start > range.maxWindowDays * 86_400_000 + unitMs) {
      return { problem: `the window is longer than ${range.maxWindowDays} days` };
    }
  }
  return window;
}

function recordsFor(fixture: StreamFixture | undefined, user: MockUser, window: RequestedWindow): readonly unknown[] {
  const records = fixture?.records;
  if (records === undefined) return [];
  if (typeof records === "function") return records({ user, window });
  if (Array.isArray(records)) return records;
  return (records as Record<string, readonly unknown[]>)[userKey(user)] ?? [];
}

function withoutRecordFields(stream: StreamSpec, records: readonly unknown[]): readonly unknown[] {
  const fields = Object.keys(stream.recordFields ?? {});
  if (fields.length === 0) return records;
  return records.map((record) => (isBodyObject(record) ? Object.fromEntries(Object.entries(record).filter(([key]) => !fields.includes(key))) : record));
}

function inWindow(stream: StreamSpec, fixture: StreamFixture | undefined, records: readonly unknown[], window: RequestedWindow): readonly unknown[] {
  if (window.start === undefined && window.end === undefined) return records;
  const time = fixture?.time ?? stream.checkpoint;
  if (!time) return records;
  return records.filter((record) => {
    const at = recordTime(readPointer(record, time.path), time.format);
    if (at === undefined) return false;
    return (window.start === undefined || at >= window.start) && (window.end === undefined || at < window.end);
  });
}

/** Mistakes in the fixtures or the spec that would make the mock lie: refused up front. */
function checkFixtures(spec: ConnectorSpec, fixtures: SpecFixtures): void {
  const problems: string[] = [];
  const streams = Object.values(spec.streams ?? {}).flat();
  const names = new Set(streams.map((s) => s.name));
  for (const name of Object.keys(fixtures.streams ?? {})) if (!names.has(name)) problems.push(`fixtures.streams.${name}: the spec has no stream "${name}"`);
  for (const stream of streams) {
    const fixture = fixtures.streams?.[stream.name];
    if (fixture?.single && stream.paging)
      problems.push(`fixtures.streams.${stream.name}.single: a paged stream answers lists; single is for endpoints that answer one object`);
    if (stream.dateRange && fixture && !fixture.time && !stream.checkpoint) {
      problems.push(
        `fixtures.streams.${stream.name}.time: required — the stream takes a date range, and the mock needs each record's time ({ path, format }) to answer only the records inside it`,
      );
    }
    if ((stream.records ?? "") === "" && bodyFieldsNeeded(stream).length > 0) {
      problems.push(`streams.${stream.name}.records: the answer is the bare record array, so it cannot also carry ${bodyFieldsNeeded(stream).join(", ")}`);
    }
  }
  if (fixtures.users.length === 0) problems.push("fixtures.users: at least one user is needed");
  if (problems.length > 0) {
    throw new UserError(ErrorCodes.MOCK_INVALID, `cannot mock ${spec.name}: ${problems.join("; ")}`, {
      hint: "Fix the mock's fixtures (or the spec) as listed.",
    });
  }
}

/** A JSON object as a request body or record: a raw (Buffer) body is not one. */
const isBodyObject = (value: unknown): value is Record<string, unknown> => isRecord(value) && !Buffer.isBuffer(value);

function messageFor(kind: ProviderErrorKind): string {
  if (kind === "expired_token") return "The access token expired";
  if (kind === "revoked_token") return "The access token was revoked";
  if (kind === "missing_token") return "No access token";
  return "The access token is invalid";
}
