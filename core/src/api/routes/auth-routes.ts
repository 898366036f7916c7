import type { FastifyInstance } from "fastify";
import { ErrorCodes } from "../../errors/codes.ts";
import { UserError } from "../../errors/tributary-error.ts";
import { connectFlowKind } from "../../services/connect-flow-kind.ts";
import { connectUser } from "../../services/connect-user.ts";
import { deauthorizeUser } from "../../services/deauthorize-user.ts";
import { developerOf } from "../developer-auth.ts";
import { offeredConnectors, offers } from "../offered-providers.ts";
import { OPTIONAL_BODY, TAGS } from "../openapi-docs.ts";
import { authResultParams, checkedRedirectUrl, withQuery } from "../redirect-url.ts";
import { authenticatedErrors, badRequest, jsonResponse, problemResponse, userNotFound } from "../schemas/responses.ts";
import { CONNECT_RESULT_PATH } from "../../services/connect-flows.ts";
import type { V2Context } from "../v2-api.ts";

interface WidgetSessionBody {
  providers?: string;
  language?: string;
  reference_id?: string;
  auth_success_redirect_url?: string;
  auth_failure_redirect_url?: string;
}

type AuthenticateBody = Omit<WidgetSessionBody, "providers">;

/** The path of a widget session's page; the server renders it (see the widget). */
export const widgetPath = (sessionId: string): string => `/widget/${encodeURIComponent(sessionId)}`;

const language = { type: "string", maxLength: 35, description: "Display language (BCP 47), e.g. en." };
const referenceId = { type: "string", maxLength: 256, description: "Your own id of the end user (reference_id in payloads)." };
const redirectUrl = (what: string) => ({ type: "string", maxLength: 2048, description: `Where the user lands ${what} (absolute http(s) URL).` });

export async function authRoutes(app: FastifyInstance, v2: V2Context): Promise<void> {
  const { services } = v2;
  const baseUrl = v2.config.server.publicUrl.replace(/\/+$/, "");

  app.post<{ Body: WidgetSessionBody | undefined }>(
    "/auth/generateWidgetSession",
    {
      schema: {
        tags: [TAGS.auth],
        summary: "Create a connect-widget session",
        description:
          "A session of the hosted connect widget: a page at `url` where the end user picks one of your providers and connects it. Valid for `expires_in` seconds.",
        body: {
          type: "object",
          properties: {
            providers: { type: "string", maxLength: 2048, description: "Comma-separated providers to offer, e.g. GARMIN,FITBIT. Default: all of yours." },
            language,
            reference_id: referenceId,
            auth_success_redirect_url: redirectUrl("after connecting"),
            auth_failure_redirect_url: redirectUrl("when connecting fails"),
          },
        },
        response: {
          200: jsonResponse("The session and its page.", {
            type: "object",
            required: ["status", "session_id", "url", "expires_in"],
            properties: {
              status: { type: "string", enum: ["success"] },
              session_id: { type: "string" },
              url: { type: "string", description: "The widget page to send the user to." },
              expires_in: { type: "number", description: "Seconds the session stays valid." },
            },
          }),
          400: badRequest,
          ...authenticatedErrors,
        },
      },
    },
    async (request) => {
      const developer = developerOf(request);
      const body = request.body ?? {};
      const requested = body.providers
        ?.split(",")
        .map((name) => name.trim().toUpperCase())
        .filter((name) => name !== "");
      const providers = requested && requested.length > 0 ? [...new Set(requested)] : offeredConnectors(v2, developer).map((connector) => connector.name);
      const refused = providers.filter((provider) => !offers(v2, developer, provider));
      if (refused.length > 0) {
        throw new UserError(
          ErrorCodes.API_REQUEST_INVALID,
          `invalid providers: ${refused.join(", ")} ${refused.length === 1 ? "is" : "are"} not available to this developer`,
          {
            hint: `Available: ${
              offeredConnectors(v2, developer)
                .map((c) => c.name)
                .join(", ") || "none"
            }.`,
          },
        );
      }
      if (providers.length === 0)
        throw new UserError(ErrorCodes.API_REQUEST_INVALID, "no provider is available to this developer", { hint: "Enable a provider in the config." });
      const session = await services.store.createWidgetSession({
        developerId: developer.devId,
        providers,
        language: body.language ?? null,
        referenceId: body.reference_id ?? null,
        successRedirectUrl: checkedRedirectUrl("auth_success_redirect_url", body.auth_success_redirect_url) ?? null,
        failureRedirectUrl: checkedRedirectUrl("auth_failure_redirect_url", body.auth_failure_redirect_url) ?? null,
      });
      const expiresIn = Math.round((Date.parse(session.expires_at) - Date.parse(session.created_at)) / 1000);
      return { status: "success", session_id: session.id, url: `${baseUrl}${widgetPath(session.id)}`, expires_in: expiresIn };
    },
  );

  app.post<{ Querystring: { resource: string }; Body: AuthenticateBody | undefined }>(
    "/auth/authenticateUser",
    {
      schema: {
        tags: [TAGS.auth],
        summary: "Connect a user of one provider",
        description:
          "For your own connect UI: begins connecting a user of `resource` and answers with the user_id it will have and the URL to send the user to (the provider's consent page). Providers that need no consent (SANDBOX) are connected at once, and `auth_url` leads straight to the success URL.",
        // Optional in Terra's spec: clients call with no body at all.
        [OPTIONAL_BODY]: true,
        querystring: {
          type: "object",
          required: ["resource"],
          properties: { resource: { type: "string", minLength: 1, maxLength: 64, description: "Provider, e.g. FITBIT (see /integrations/detailed)." } },
        },
        body: {
          type: "object",
          properties: {
            language,
            reference_id: referenceId,
            auth_success_redirect_url: redirectUrl("after connecting"),
            auth_failure_redirect_url: redirectUrl("when connecting fails"),
          },
        },
        response: {
          200: jsonResponse("The user and where to send them.", {
            type: "object",
            required: ["status", "user_id", "auth_url"],
            properties: {
              status: { type: "string", enum: ["success"] },
              user_id: { type: "string", description: "The user the connection has (or will have, once the user completes the flow)." },
              auth_url: { type: "string", description: "Where to send the user." },
            },
          }),
          400: badRequest,
          404: problemResponse("The resource is not a provider this developer offers."),
          409: problemResponse("This provider account is already connected."),
          501: problemResponse("The provider's authorization flow is not available on this server."),
          ...authenticatedErrors,
        },
      },
    },
    async (request) => {
      const developer = developerOf(request);
      const provider = request.query.resource.trim().toUpperCase();
      if (!offers(v2, developer, provider)) {
        throw new UserError(ErrorCodes.PROVIDER_NOT_OFFERED, `resource ${provider} is not available to this developer`, {
          hint: `Available: ${
            offeredConnectors(v2, developer)
              .map((c) => c.name)
              .join(", ") || "none"
          }.`,
        });
      }
      const body = request.body ?? {};
      const successUrl = checkedRedirectUrl("auth_success_redirect_url", body.auth_success_redirect_url);
      const failureUrl = checkedRedirectUrl("auth_failure_redirect_url", body.auth_failure_redirect_url);
      const connector = services.registry.connector(provider);
      if (connectFlowKind(services.registry, provider) === "direct") {
        const { user } = await connectUser(services, {
          provider,
          developerId: developer.devId,
          ...(body.reference_id ? { referenceId: body.reference_id } : {}),
        });
        const landing = successUrl ?? `${baseUrl}${CONNECT_RESULT_PATH}`;
        const authUrl = withQuery(landing, {
          ...authResultParams(user.user_id, provider, user.reference_id),
          ...(successUrl ? {} : { status: "success", lang: body.language }),
        });
        return { status: "success", user_id: user.user_id, auth_url: authUrl };
      }
      if (!v2.authorizer?.handles(provider)) {
        throw new UserError(ErrorCodes.AUTH_FLOW_UNAVAILABLE, `connecting ${provider} users is not available on this server yet`, {
          hint: `The ${provider} authorization flow (${connector.auth.type}) is not wired into this server; connect a provider that needs no consent, such as SANDBOX.`,
        });
      }
      const started = await v2.authorizer.begin({
        developerId: developer.devId,
        provider,
        ...(body.reference_id ? { referenceId: body.reference_id } : {}),
        ...(body.language ? { language: body.language } : {}),
        ...(successUrl ? { successRedirectUrl: successUrl } : {}),
        ...(failureUrl ? { failureRedirectUrl: failureUrl } : {}),
      });
      return { status: "success", user_id: started.userId, auth_url: started.authUrl };
    },
  );

  app.delete<{ Querystring: { user_id: string } }>(
    "/auth/deauthenticateUser",
    {
      schema: {
        tags: [TAGS.auth],
        summary: "Disconnect a user",
        description:
          "Revokes the grant at the provider where it can, stops the user's data, has every destination erase what it holds of the user, then sends the `deauth` event. Deauthenticating a user again changes nothing and sends nothing.",
        querystring: { type: "object", required: ["user_id"], properties: { user_id: { type: "string", minLength: 1, maxLength: 64 } } },
        response: {
          200: jsonResponse("Deauthenticated (or already).", {
            type: "object",
            required: ["status"],
            properties: {
              status: { type: "string", enum: ["success"] },
              message: { type: "string", description: "Says when the user was already deauthenticated." },
            },
          }),
          400: badRequest,
          404: userNotFound,
          ...authenticatedErrors,
        },
      },
    },
    async (request) => {
      const developer = developerOf(request);
      const result = await deauthorizeUser(services, request.query.user_id, {
        scope: { developerId: developer.devId },
        ...(v2.authorizer ? { authorizer: v2.authorizer } : {}),
      });
      return result.status === "deauthorized"
        ? { status: "success", message: "User has been deauthenticated" }
        : { status: "success", message: "User was already deauthenticated; nothing was done" };
    },
  );
}
