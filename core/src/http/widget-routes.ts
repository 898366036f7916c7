import { randomBytes } from "node:crypto";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { offers } from "../api/offered-providers.ts";
import type { TributaryConfig } from "../config/config-schema.ts";
import type { DeveloperDirectory } from "../developers/developer-directory.ts";
import { authMethodOf } from "../auth/auth-methods.ts";
import { isTributaryError } from "../errors/tributary-error.ts";
import { CONNECT_RESULT_PATH, connectFormPath, type ConnectFlows, type FlowLanding } from "../services/connect-flows.ts";
import { connectorSpecOf } from "../services/connect-flow-kind.ts";
import type { AuthorizationRequest } from "../services/provider-authorizer.ts";
import type { AppServices } from "../services/service-context.ts";
import type { WidgetSession } from "../state/index.ts";
import { createCsrfTokens, dropUnrotatedCsrfKey } from "../widget/csrf.ts";
import { WIDGET_CSP, WIDGET_STYLE_PATH } from "../widget/html.ts";
import { fill, localize, type Localized } from "../widget/messages.ts";
import { connectFormPage, messagePage, providerListPage, resultPage } from "../widget/pages.ts";
import { createProviderCards } from "../widget/provider-cards.ts";
import { WIDGET_CSS } from "../widget/widget-style.ts";

export interface WidgetRoutesOptions {
  flows: ConnectFlows;
  services: AppServices;
  developers: DeveloperDirectory;
  config: Pick<TributaryConfig, "server" | "providers">;
  /** Redis key prefix of the deployment (the CSRF key is kept under it). Not `prefix`: fastify reads that as a route prefix. */
  keyPrefix: string;
}

/** The browser's id for CSRF tokens. */
const BROWSER_COOKIE = "tributary_browser";
/** Proves an OAuth callback comes back to the browser that started the flow (one per provider). */
const flowCookie = (provider: string) => `tributary_flow_${provider.toLowerCase()}`;
const FORM_BODY_LIMIT = 16 * 1024;
const FLOW_COOKIE_SECONDS = 30 * 60;

interface FormBody {
  csrf?: string;
  provider?: string;
  username?: string;
  password?: string;
  token?: string;
  /** Another of the provider's flows than its main one (the card's "instead" links). */
  method?: string;
}

/**
 * The hosted connect widget and the end of every connect flow: `/widget/<session>` (the developer's
 * providers as cards), the credentials and token forms (`/auth/connect/<flow>`), the providers' OAuth
 * callbacks (`/auth/callback/<provider>`) and the result page. Server-rendered, no script; every form
 * carries a signed double-submit CSRF token; pages are never cached nor framed.
 */
export async function widgetRoutes(app: FastifyInstance, options: WidgetRoutesOptions): Promise<void> {
  const { flows, services, config } = options;
  const { store, log } = services;
  const secureCookies = new URL(config.server.publicUrl).protocol === "https:";
  const csrfKeyName = `${options.keyPrefix}:widget:csrf-key`;
  void dropUnrotatedCsrfKey(services.redis, csrfKeyName, (error) => log.debug({ err: error }, "old CSRF key not dropped"));
  const csrf = createCsrfTokens(services.redis, csrfKeyName);
  const cardOf = createProviderCards(services.registry, services.providers);
  const v2 = { services, config };

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header("content-security-policy", WIDGET_CSP)
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .send(body);

  const browserIdOf = (request: FastifyRequest, reply: FastifyReply): string => {
    const known = request.cookies[BROWSER_COOKIE];
    if (known !== undefined && /^[A-Za-z0-9_-]{43}$/.test(known)) return known;
    const id = randomBytes(32).toString("base64url");
    reply.setCookie(BROWSER_COOKIE, id, { path: "/", httpOnly: true, sameSite: "lax", secure: secureCookies });
    return id;
  };

  /** A form post whose token does not match this browser: blocked cookies, or a forged post. */
  const refused = (reply: FastifyReply, l: Localized) => html(reply, 403, messagePage(l, l.t.cookiesTitle, l.t.cookiesText));
  const invalidLink = (reply: FastifyReply, l: Localized) => html(reply, 404, messagePage(l, l.t.invalidTitle, l.t.invalidText));
  const expiredLink = (reply: FastifyReply, l: Localized) => html(reply, 410, messagePage(l, l.t.expiredTitle, l.t.expiredText));
  const land = (reply: FastifyReply, l: Localized, landing: FlowLanding) =>
    landing.location ? reply.code(303).header("cache-control", "no-store").redirect(landing.location, 303) : invalidLink(reply, l);

  /**
   * A form post on a widget page: the session, when it is live and the post is this browser's. A post
   * made on the page before the session's deadline but arriving after it ends the session as expired
   * (failure redirect, `auth_cancelled` with `session_expired`); a forged one is refused either way.
   */
  const widgetPost = async (
    request: FastifyRequest<{ Params: { sessionId: string }; Body: FormBody }>,
    reply: FastifyReply,
  ): Promise<{ session: WidgetSession; l: Localized } | { answered: FastifyReply }> => {
    // The answer is sent, not awaited: a reply is thenable and settles only once it has been written.
    const found = await store.lookupWidgetSession(request.params.sessionId);
    if (found === undefined) return { answered: invalidLink(reply, localize(undefined)) };
    const { session } = found;
    const l = localize(session.language);
    const verdict = await csrf.check(request.cookies[BROWSER_COOKIE], `widget:${session.id}`, request.body?.csrf);
    if (verdict === "invalid") return { answered: found.expired ? expiredLink(reply, l) : refused(reply, l) };
    if (found.expired || verdict === "expired") return { answered: land(reply, l, await flows.closeWidget(session, "session_expired")) };
    return { session, l };
  };

  const offered = (developerId: string, provider: string) => offers(v2, options.developers.get(developerId), provider);

  app.setErrorHandler((error, request, reply) => {
    const l = localize(undefined);
    if (isTributaryError(error) && error.errorClass === "user") {
      request.log.warn({ code: error.code, err: error.message }, "connect page refused");
      return html(reply, 400, messagePage(l, l.t.errorTitle, l.t.errorGenericText));
    }
    request.log.error({ err: error }, "connect page failed");
    return html(reply.header("retry-after", "5"), 503, messagePage(l, l.t.errorTitle, l.t.errorGenericText));
  });

  app.get(WIDGET_STYLE_PATH, async (_request, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").header("x-content-type-options", "nosniff").send(WIDGET_CSS),
  );

  app.get<{ Params: { sessionId: string }; Querystring: { failed?: string; reason?: string } }>("/widget/:sessionId", async (request, reply) => {
    const found = await store.lookupWidgetSession(request.params.sessionId);
    if (found === undefined) return invalidLink(reply, localize(undefined));
    const { session } = found;
    const l = localize(session.language);
    if (found.expired) return expiredLink(reply, l);
    const browser = browserIdOf(request, reply);
    const cards = session.providers.filter((provider) => offered(session.developer_id, provider)).map(cardOf);
    const failed =
      typeof request.query.failed === "string"
        ? { provider: request.query.failed.slice(0, 64), ...(request.query.reason ? { reason: request.query.reason.slice(0, 64) } : {}) }
        : undefined;
    const base = `/widget/${encodeURIComponent(session.id)}`;
    return html(
      reply,
      200,
      providerListPage(l, {
        cards,
        startAction: `${base}/start`,
        cancelAction: `${base}/cancel`,
        csrf: await csrf.token(browser, `widget:${session.id}`, session.expires_at),
        ...(failed ? { failed } : {}),
      }),
    );
  });

  app.post<{ Params: { sessionId: string }; Body: FormBody }>("/widget/:sessionId/start", async (request, reply) => {
    const acted = await widgetPost(request, reply);
    if (!("session" in acted)) return acted.answered;
    const { session, l } = acted;
    const provider = String(request.body?.provider ?? "");
    const kinds = flows.kindsOf(provider);
    const chosen = request.body?.method;
    const kind = chosen === undefined || chosen === "" ? kinds[0] : kinds.find((offeredKind) => offeredKind === chosen);
    if (!session.providers.includes(provider) || !offered(session.developer_id, provider) || kind === undefined) {
      return html(reply, 400, messagePage(l, l.t.errorTitle, fill(l.t.errorText, { name: provider }), `/widget/${encodeURIComponent(session.id)}`));
    }
    const flowRequest: AuthorizationRequest = {
      developerId: session.developer_id,
      provider,
      widgetSessionId: session.id,
      expiresAt: session.expires_at,
      ...(session.reference_id ? { referenceId: session.reference_id } : {}),
      ...(session.language ? { language: session.language } : {}),
      ...(session.success_redirect_url ? { successRedirectUrl: session.success_redirect_url } : {}),
      ...(session.failure_redirect_url ? { failureRedirectUrl: session.failure_redirect_url } : {}),
    };
    try {
      if (kind === "direct") return land(reply, l, await flows.connectDirect(flowRequest));
      const started = await flows.start(flowRequest, { bindBrowser: true, kind });
      if (started.binding !== undefined) {
        reply.setCookie(flowCookie(provider), started.binding, {
          path: "/auth/callback",
          httpOnly: true,
          sameSite: "lax",
          secure: secureCookies,
          maxAge: FLOW_COOKIE_SECONDS,
        });
      }
      return reply.header("cache-control", "no-store").redirect(started.authUrl, 303);
    } catch (error) {
      // A provider this server cannot start (no OAuth client configured): the operator's to fix, the user's to route around.
      log.error(
        { provider, code: isTributaryError(error) ? error.code : undefined, err: error instanceof Error ? error.message : String(error) },
        "could not start connecting",
      );
      return html(
        reply,
        isTributaryError(error) && error.errorClass === "user" ? 400 : 503,
        messagePage(l, l.t.errorTitle, fill(l.t.errorText, { name: cardOf(provider).displayName }), `/widget/${encodeURIComponent(session.id)}`),
      );
    }
  });

  app.post<{ Params: { sessionId: string }; Body: FormBody }>("/widget/:sessionId/cancel", async (request, reply) => {
    const acted = await widgetPost(request, reply);
    if (!("session" in acted)) return acted.answered;
    return land(reply, acted.l, await flows.closeWidget(acted.session, "user_cancelled"));
  });

  const renderForm = async (request: FastifyRequest, reply: FastifyReply, flowId: string, status: number, error: boolean) => {
    const session = await flows.formFlow(flowId);
    if (session === undefined) return invalidLink(reply, localize(undefined));
    const l = localize(session.language);
    const kind = session.form;
    if (!flows.kindsOf(session.provider).includes(kind)) return invalidLink(reply, l);
    const auth = connectorSpecOf(services.registry, session.provider)?.auth;
    const tokenMethod = auth === undefined ? undefined : authMethodOf(auth, ["bearer_token", "api_key"]);
    const instructions = kind === "token" && (tokenMethod?.type === "bearer_token" || tokenMethod?.type === "api_key") ? tokenMethod.instructions : undefined;
    const browser = browserIdOf(request, reply);
    const path = connectFormPath(session.state);
    return html(
      reply,
      status,
      connectFormPage(l, {
        kind,
        provider: cardOf(session.provider),
        action: path,
        cancelAction: `${path}/cancel`,
        ...(session.widget_session_id ? { backHref: `/widget/${encodeURIComponent(session.widget_session_id)}` } : {}),
        csrf: await csrf.token(browser, `form:${session.state}`, session.expires_at),
        error,
        ...(instructions ? { instructions } : {}),
      }),
    );
  };

  app.get<{ Params: { flowId: string } }>("/auth/connect/:flowId", (request, reply) => renderForm(request, reply, request.params.flowId, 200, false));

  app.post<{ Params: { flowId: string }; Body: FormBody }>("/auth/connect/:flowId", async (request, reply) => {
    const { flowId } = request.params;
    const session = await flows.formFlow(flowId);
    const l = localize(session?.language);
    if (session !== undefined && (await csrf.check(request.cookies[BROWSER_COOKIE], `form:${flowId}`, request.body?.csrf)) === "invalid")
      return refused(reply, l);
    // Unknown, spent or expired flows are told apart (and reported) by submitForm.
    const body = request.body ?? {};
    const result = await flows.submitForm(flowId, {
      ...(typeof body.username === "string" ? { username: body.username } : {}),
      ...(typeof body.password === "string" ? { password: body.password } : {}),
      ...(typeof body.token === "string" ? { token: body.token } : {}),
    });
    if ("retry" in result) return renderForm(request, reply, result.session.state, 422, true);
    return land(reply, l, result);
  });

  app.post<{ Params: { flowId: string }; Body: FormBody }>("/auth/connect/:flowId/cancel", async (request, reply) => {
    const { flowId } = request.params;
    const session = await flows.formFlow(flowId);
    const l = localize(session?.language);
    // Expired (or unknown, or spent): cancelForm tells them apart — a late cancel is a failure redirect.
    if (session === undefined) return land(reply, l, await flows.cancelForm(flowId));
    if ((await csrf.check(request.cookies[BROWSER_COOKIE], `form:${flowId}`, request.body?.csrf)) === "invalid") return refused(reply, l);
    return land(reply, l, await flows.cancelForm(flowId));
  });

  app.get<{ Params: { provider: string }; Querystring: Record<string, string | string[] | undefined> }>("/auth/callback/:provider", async (request, reply) => {
    const provider = request.params.provider.toUpperCase();
    const cookieName = flowCookie(provider);
    const binding = request.cookies[cookieName];
    const landing = await flows.completeRedirect(provider, request.query, binding);
    if (binding !== undefined) reply.clearCookie(cookieName, { path: "/auth/callback" });
    return land(reply, localize(undefined), landing);
  });

  app.get<{ Querystring: { status?: string; resource?: string; lang?: string } }>(CONNECT_RESULT_PATH, async (request, reply) => {
    const l = localize(request.query.lang);
    const resource = (request.query.resource ?? "").slice(0, 64);
    const providerName = resource !== "" && services.registry.hasConnector(resource) ? cardOf(resource).displayName : resource;
    return html(reply, 200, resultPage(l, { ok: request.query.status !== "failure", providerName: providerName || l.t.someAccount }));
  });
}
