import type { AuthOutcome, AuthSessionInfo } from "../auth/auth-outcome.ts";
import type { AuthService } from "../auth/auth-service.ts";
import { sessionInfo } from "../auth/authorization-flow.ts";
import { authResultParams, withQuery } from "../api/redirect-url.ts";
import { isTributaryError } from "../errors/tributary-error.ts";
import type { AuthSession, Connection, WidgetSession } from "../state/index.ts";
import { announceAuthFailure, announceConnection } from "./announce-connection.ts";
import { connectFlowKinds, type ConnectFlowKind } from "./connect-flow-kind.ts";
import { connectUser } from "./connect-user.ts";
import { connectWithForm } from "./connect-with-form.ts";
import type { AuthorizationRequest } from "./provider-authorizer.ts";
import type { ServiceContext } from "./service-context.ts";

/** Where the user lands when the developer gave no redirect URL: our own result page. */
export const CONNECT_RESULT_PATH = "/connect/result";

/** The page of a credentials or token form flow. */
export const connectFormPath = (flowId: string): string => `/auth/connect/${encodeURIComponent(flowId)}`;

export interface StartedFlow {
  /** The user_id the connection will have. */
  userId: string;
  /** Where to send the user: the provider's consent page, or our form. */
  authUrl: string;
  /** Identifies the flow (the OAuth state, or the form's id); the `flow_id` of its auth error event. */
  flowId: string;
  /** For the browser that started it (a cookie): the callback must bring it back. */
  binding?: string;
}

/** The end of a flow: where to send the user. */
export interface FlowLanding {
  ok: boolean;
  provider: string | null;
  /** Absent when nobody can be told (an unknown or replayed callback): show a page instead. */
  location?: string;
  /** Why it failed (AuthFailureReason, or `user_cancelled`). */
  reason?: string;
  userId?: string;
}

/** A credentials form whose answer the provider refused: the user tries again under a new flow id. */
export interface FormRetry {
  retry: true;
  session: AuthSession;
}

export interface ConnectFlowsOptions {
  auth: AuthService;
  services: ServiceContext;
  /** The server's public URL (our own pages are below it). */
  publicUrl: string;
}

/**
 * Connecting end users, from choosing a provider to the developer's redirect: starts each provider's
 * flow (OAuth redirect, credentials or token form, or at once), finishes it, and tells the developer —
 * `auth` (and `user_reauth`) and the backfill on success, `auth_cancelled` on denial, cancellation or
 * failure — before sending the user to the success or failure URL with user_id, resource and
 * reference_id. The widget and `authenticateUser` both start flows here; the callback and the forms end them.
 */
export interface ConnectFlows {
  /** The provider's main flow here; undefined when this server can run none. */
  kindOf(provider: string): ConnectFlowKind | undefined;
  /** Every flow the provider offers here, the main one first (see connectFlowKinds). */
  kindsOf(provider: string): ConnectFlowKind[];
  /** Starts the provider's main flow, or the one chosen (`kind`, one of kindsOf). */
  start(request: AuthorizationRequest, options?: { bindBrowser?: boolean; kind?: ConnectFlowKind }): Promise<StartedFlow>;
  /** The provider redirected back to `/auth/callback/<provider>`. */
  completeRedirect(provider: string, query: Record<string, string | readonly string[] | undefined>, binding: string | undefined): Promise<FlowLanding>;
  /** The live form flow behind a form page, with its form; undefined when unknown, spent or expired. */
  formFlow(flowId: string): Promise<(AuthSession & { form: "password" | "token" }) | undefined>;
  /** The form was submitted: connect with what the user entered. */
  submitForm(flowId: string, fields: { username?: string; password?: string; token?: string }): Promise<FlowLanding | FormRetry>;
  /** The user gave up on a form flow (`session_expired` when it was past its deadline). */
  cancelForm(flowId: string): Promise<FlowLanding>;
  /** A provider that needs nothing from the user (SANDBOX), chosen in the widget. */
  connectDirect(request: AuthorizationRequest): Promise<FlowLanding>;
  /**
   * The widget ends without a connection: the user closed it (`user_cancelled`) or acted on it after its
   * deadline (`session_expired`). Only the call that ends the session tells the developer (one
   * `auth_cancelled`); a later one lands nowhere (an invalid link).
   */
  closeWidget(session: WidgetSession, reason: "user_cancelled" | "session_expired"): Promise<FlowLanding>;
}

interface FormSecret {
  v: 1;
  form: ConnectFlowKind;
}

export function createConnectFlows(options: ConnectFlowsOptions): ConnectFlows {
  const { auth, services } = options;
  const { store, log } = services;
  const base = options.publicUrl.replace(/\/+$/, "");
  const kindsOf = (provider: string) => connectFlowKinds(services.registry, provider, services.providers);
  const kindOf = (provider: string) => kindsOf(provider)[0];

  const resultPage = (params: Record<string, string | null | undefined>) => withQuery(`${base}${CONNECT_RESULT_PATH}`, params);

  const succeeded = async (
    connection: Connection,
    replaced: Connection | null,
    where: { widgetSessionId: string | null; successRedirectUrl: string | null; language: string | null },
  ): Promise<FlowLanding> => {
    await announceConnection(services, { connection, replaced, widgetSessionId: where.widgetSessionId });
    // The widget did its job: its page is not offered again.
    if (where.widgetSessionId) await store.endWidgetSession(where.widgetSessionId);
    const params = authResultParams(connection.user_id, connection.provider, connection.reference_id);
    const location = where.successRedirectUrl
      ? withQuery(where.successRedirectUrl, params)
      : resultPage({ status: "success", ...params, lang: where.language });
    return { ok: true, provider: connection.provider, location, userId: connection.user_id };
  };

  const failedFlow = async (session: AuthSessionInfo, reason: string): Promise<FlowLanding> => {
    await announceAuthFailure(services, { developerId: session.developerId, reason, referenceId: session.referenceId, flowId: session.state });
    const params = { ...authResultParams(session.userId, session.provider, session.referenceId), reason };
    let location: string;
    if (session.failureRedirectUrl) location = withQuery(session.failureRedirectUrl, params);
    else if (session.widgetSessionId && (await store.getWidgetSession(session.widgetSessionId))) {
      // Back to the widget, which says what went wrong: the user can try again or pick another provider.
      location = withQuery(`${base}/widget/${encodeURIComponent(session.widgetSessionId)}`, { failed: session.provider, reason });
    } else location = resultPage({ status: "failure", ...params, lang: session.language });
    return { ok: false, provider: session.provider, location, reason };
  };

  const landing = async (outcome: AuthOutcome): Promise<FlowLanding> => {
    if (outcome.ok) {
      const session = outcome.session;
      return succeeded(outcome.connection, outcome.replaced, {
        widgetSessionId: session?.widgetSessionId ?? null,
        successRedirectUrl: session?.successRedirectUrl ?? null,
        language: session?.language ?? null,
      });
    }
    if (outcome.session === null) return { ok: false, provider: outcome.provider, reason: outcome.reason };
    return failedFlow(outcome.session, outcome.reason);
  };

  const parseForm = (session: AuthSession): "password" | "token" | undefined => {
    try {
      const secret = JSON.parse(session.secret ?? "") as Partial<FormSecret>;
      return secret.v === 1 && (secret.form === "password" || secret.form === "token") ? secret.form : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    kindOf,
    kindsOf,

    async start(request, startOptions = {}) {
      const offered = kindsOf(request.provider);
      const kind = startOptions.kind ?? offered[0];
      if (kind !== undefined && !offered.includes(kind))
        throw new TypeError(`${request.provider} offers no ${kind} flow here (${offered.join(", ") || "none"})`);
      const common = {
        referenceId: request.referenceId ?? null,
        successRedirectUrl: request.successRedirectUrl ?? null,
        failureRedirectUrl: request.failureRedirectUrl ?? null,
        developerId: request.developerId,
        widgetSessionId: request.widgetSessionId ?? null,
        language: request.language ?? null,
        ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt }),
      };
      if (kind === "redirect") {
        const started = await auth.beginAuthorization({ provider: request.provider, ...common, requireBinding: startOptions.bindBrowser === true });
        return { userId: started.userId, authUrl: started.url, flowId: started.state, ...(startOptions.bindBrowser ? { binding: started.binding } : {}) };
      }
      if (kind === "password" || kind === "token") {
        const secret: FormSecret = { v: 1, form: kind };
        const session = await store.createAuthSession({ provider: request.provider, ...common, secret: JSON.stringify(secret) });
        return { userId: session.user_id, authUrl: `${base}${connectFormPath(session.state)}`, flowId: session.state };
      }
      throw new TypeError(`${request.provider} has no flow to start (${kind ?? "not available"})`);
    },

    async completeRedirect(provider, query, binding) {
      return landing(await auth.completeAuthorization({ provider, query, ...(binding === undefined ? {} : { binding }) }));
    },

    async formFlow(flowId) {
      const session = await store.peekAuthSession(flowId);
      const form = session === undefined ? undefined : parseForm(session);
      return session !== undefined && form !== undefined ? { ...session, form } : undefined;
    },

    async submitForm(flowId, fields) {
      const claimed = await store.claimAuthSession(flowId);
      const form = claimed === undefined ? undefined : parseForm(claimed.session);
      if (claimed === undefined || form === undefined) return { ok: false, provider: null, reason: "invalid_state" };
      const { session } = claimed;
      const info = sessionInfo(session);
      if (claimed.expired) return failedFlow(info, "session_expired");
      const who = { provider: session.provider, userId: session.user_id, referenceId: session.reference_id, developerId: session.developer_id };
      let outcome: AuthOutcome;
      try {
        outcome = await connectWithForm(auth, form, who, fields);
      } catch (error) {
        // The provider was disabled or changed its flow since the form was shown.
        log.warn(
          { provider: session.provider, code: isTributaryError(error) ? error.code : undefined, err: error instanceof Error ? error.message : String(error) },
          "connect form refused",
        );
        return failedFlow(info, "configuration_error");
      }
      if (outcome.ok) return landing({ ...outcome, session: info });
      if (outcome.reason === "invalid_credentials") {
        // A typo is not the end of the flow: the same user_id and deadline, a new single-use id.
        const again = await store.createAuthSession({
          provider: session.provider,
          userId: session.user_id,
          developerId: session.developer_id,
          widgetSessionId: session.widget_session_id,
          language: session.language,
          referenceId: session.reference_id,
          successRedirectUrl: session.success_redirect_url,
          failureRedirectUrl: session.failure_redirect_url,
          secret: session.secret,
          expiresAt: session.expires_at,
        });
        return { retry: true, session: again };
      }
      return failedFlow(info, outcome.reason);
    },

    async cancelForm(flowId) {
      const claimed = await store.claimAuthSession(flowId);
      if (claimed === undefined || parseForm(claimed.session) === undefined) return { ok: false, provider: null, reason: "invalid_state" };
      return failedFlow(sessionInfo(claimed.session), claimed.expired ? "session_expired" : "user_cancelled");
    },

    async connectDirect(request) {
      const { connection } = await connectUser(services, {
        provider: request.provider,
        developerId: request.developerId,
        ...(request.referenceId ? { referenceId: request.referenceId } : {}),
        ...(request.widgetSessionId ? { widgetSessionId: request.widgetSessionId } : {}),
      });
      if (request.widgetSessionId) await store.endWidgetSession(request.widgetSessionId);
      const params = authResultParams(connection.user_id, connection.provider, connection.reference_id);
      const location = request.successRedirectUrl
        ? withQuery(request.successRedirectUrl, params)
        : resultPage({ status: "success", ...params, lang: request.language });
      return { ok: true, provider: connection.provider, location, userId: connection.user_id };
    },

    async closeWidget(session, reason) {
      if ((await store.endWidgetSession(session.id)) === "gone") return { ok: false, provider: null, reason: "invalid_state" };
      await announceAuthFailure(services, { developerId: session.developer_id, reason, referenceId: session.reference_id, flowId: session.id });
      const params = { ...authResultParams(null, null, session.reference_id), reason };
      const location = session.failure_redirect_url
        ? withQuery(session.failure_redirect_url, params)
        : resultPage({ status: "failure", ...params, lang: session.language });
      return { ok: false, provider: null, location, reason };
    },
  };
}
