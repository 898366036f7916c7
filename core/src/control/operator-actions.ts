import type { TributaryConfig } from "../config/config-schema.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { TransientError, UserError, type TributaryError } from "../errors/tributary-error.ts";
import type { AuthFailed } from "../auth/auth-outcome.ts";
import { announceConnection } from "../services/announce-connection.ts";
import { connectFlowKinds, type ConnectFlowKind } from "../services/connect-flow-kind.ts";
import { connectUser } from "../services/connect-user.ts";
import { connectWithForm, type FormKind } from "../services/connect-with-form.ts";
import { deauthorizeUser, type DeauthorizeResult } from "../services/deauthorize-user.ts";
import { pauseUser, resumeUser } from "../services/pause-user.ts";
import type { ProviderAuthorizer } from "../services/provider-authorizer.ts";
import type { ServiceContext } from "../services/service-context.ts";
import type { TerraUserObject } from "../runtime/envelope.ts";
import { toTerraUser } from "../runtime/terra-user.ts";

export interface ConnectRequest {
  provider: string;
  /** The developer account (dev-id) the user belongs to; the default developer's when absent. */
  developerId?: string;
  referenceId?: string;
  providerUserId?: string;
  /** A token the user would paste (bearer token or API key providers). */
  token?: string;
  /** What the user would type into the provider's credentials form (password-grant providers). */
  username?: string;
  password?: string;
}

/**
 * What an operator does from the command line, whichever process holds the state store: the CLI runs
 * these itself when it can open the store, and asks the running server through its control socket when
 * the embedded store is that server's. Results are plain JSON, the same both ways.
 */
export interface OperatorActions {
  connect(request: ConnectRequest): Promise<{ user: TerraUserObject; backfillJobs: string[] }>;
  deauthorize(userId: string): Promise<DeauthorizeResult>;
  pause(userId: string): Promise<{ user: TerraUserObject; paused_at: string | null }>;
  resume(userId: string): Promise<{ user: TerraUserObject; catch_up?: { start: string; end: string; jobs: string[] } }>;
}

/** The actions, run in this process through the service layer. */
export function operatorActions(
  ctx: ServiceContext,
  config: Pick<TributaryConfig, "providers" | "api" | "developers">,
  /** Revokes at the provider (and removes its subscription with the account's last connection), as the API's deauth does. */
  authorizer?: ProviderAuthorizer,
): OperatorActions {
  return {
    async connect(request) {
      const provider = request.provider.toUpperCase();
      if (!ctx.registry.hasConnector(provider)) {
        throw new UserError(ErrorCodes.PLUGIN_UNKNOWN, `No connector is named ${provider}`, {
          hint: `Loaded connectors: ${
            ctx.registry
              .connectors()
              .map((c) => c.name)
              .join(", ") || "none"
          }.`,
        });
      }
      if (config.providers[provider]?.enabled === false) {
        throw new UserError(ErrorCodes.CONFIG_INVALID, `Provider ${provider} is disabled in the config`, { hint: `Set providers.${provider}.enabled: true.` });
      }
      const developerId = request.developerId ?? config.api?.devId;
      if (developerId === undefined || (developerId !== config.api?.devId && !config.developers.some((d) => d.devId === developerId))) {
        throw new UserError(
          ErrorCodes.CONFIG_INVALID,
          developerId === undefined ? "This config has no default developer (api:)" : `No developer has the devId "${developerId}"`,
          {
            hint: `Pass --dev-id with one of: ${[config.api?.devId, ...config.developers.map((d) => d.devId)].filter(Boolean).join(", ")}.`,
          },
        );
      }
      const kinds = connectFlowKinds(ctx.registry, provider, ctx.providers);
      const form = formOf(request);
      if (form !== undefined) {
        if (!kinds.includes(form)) throw notThisWay(provider, kinds, form);
        if (request.providerUserId) {
          throw new UserError(
            ErrorCodes.AUTH_FLOW,
            `${provider} says which account the ${form === "token" ? "token" : "credentials"} belong to: --provider-user-id cannot be given with them`,
            {
              hint: "Leave out --provider-user-id.",
            },
          );
        }
        // The widget's form, as the operator fills it in: one auth service, tokens stored encrypted.
        const outcome = await connectWithForm(ctx.access.auth, form, { provider, referenceId: request.referenceId ?? null, developerId }, request);
        if (!outcome.ok) throw refused(provider, form, outcome);
        return announceConnection(ctx, { connection: outcome.connection, replaced: outcome.replaced });
      }
      // A partner that pushes has no credentials to give: its users are connected by id (--provider-user-id).
      const pushedOnly = ctx.registry.connector(provider).auth.type === "partner_push";
      if (kinds[0] !== "direct" && !pushedOnly) throw notThisWay(provider, kinds);
      const { user, backfillJobs } = await connectUser(ctx, {
        provider,
        developerId,
        ...(request.referenceId ? { referenceId: request.referenceId } : {}),
        ...(request.providerUserId ? { providerUserId: request.providerUserId } : {}),
      });
      return { user, backfillJobs };
    },
    deauthorize: (userId) => deauthorizeUser(ctx, userId, authorizer ? { authorizer } : {}),
    async pause(userId) {
      const connection = await pauseUser(ctx, userId);
      return { user: toTerraUser(connection), paused_at: connection.paused_at };
    },
    async resume(userId) {
      const { connection, catchUp } = await resumeUser(ctx, userId);
      return { user: toTerraUser(connection), ...(catchUp ? { catch_up: catchUp } : {}) };
    },
  };
}

/** The form the operator filled in with the flags given; undefined when none was. */
function formOf(request: ConnectRequest): FormKind | undefined {
  const password = request.username !== undefined || request.password !== undefined;
  if (request.token !== undefined && password) {
    throw new UserError(ErrorCodes.AUTH_FLOW, "Give either --token or --username and --password, not both", {
      hint: "A provider connects with one of them (see its flows in `tributary connect --help`).",
    });
  }
  if (password && (!request.username || !request.password)) {
    throw new UserError(ErrorCodes.AUTH_FLOW, "--username and --password go together", { hint: "Give both: the provider's password grant needs them." });
  }
  return request.token !== undefined ? "token" : password ? "password" : undefined;
}

const HOW: Record<ConnectFlowKind, string> = {
  direct: "with nothing more than --provider",
  token: "with a pasted token: --token <token>",
  password: "with the account's username and password: --username <name> --password <password>",
  redirect: "at its consent page, which the CLI cannot open: use the connect widget (POST /v2/auth/generateWidgetSession) or /v2/auth/authenticateUser",
};

/** The provider is not connected the way the operator tried: say how it is, the ways the CLI can run first. */
function notThisWay(provider: string, kinds: readonly ConnectFlowKind[], tried?: FormKind): UserError {
  if (kinds.length === 0) {
    return new UserError(ErrorCodes.AUTH_FLOW, `${provider} cannot be connected on this server`, {
      hint: `Its OAuth client is not configured (providers.${provider}.clientId), or the partner connects its users itself.`,
    });
  }
  const ways = [...kinds.filter((kind) => kind !== "redirect"), ...kinds.filter((kind) => kind === "redirect")];
  const message =
    tried === undefined
      ? `${provider} connects ${HOW[ways[0]!]}`
      : `${provider} does not connect with ${tried === "token" ? "a pasted token" : "a username and password"}`;
  return new UserError(ErrorCodes.AUTH_FLOW, message, { hint: `${provider} connects ${ways.map((kind) => HOW[kind]).join("; or ")}.` });
}

/** The provider refused what the operator entered (or could not be reached). */
function refused(provider: string, form: FormKind, outcome: AuthFailed): TributaryError {
  const what = form === "token" ? "the token" : "the username and password";
  if (outcome.reason === "invalid_credentials") {
    return new UserError(ErrorCodes.AUTH_INVALID, `${provider} refused ${what}: ${outcome.message}`, {
      hint: `Check ${what} (the provider's own, for this account) and try again.`,
    });
  }
  if (outcome.reason === "temporarily_unavailable") {
    return new TransientError(ErrorCodes.PROVIDER_UNAVAILABLE, `${provider} could not be reached to check ${what}: ${outcome.message}`, {
      hint: `Try again; check the provider's status (or providers.${provider}.baseUrl) if it persists.`,
    });
  }
  return new UserError(ErrorCodes.AUTH_FLOW, `Connecting ${provider} failed (${outcome.reason}): ${outcome.message}`, {
    hint:
      outcome.reason === "configuration_error"
        ? `Check providers.${provider} in the config and the connector's auth section.`
        : "See the server's log for details.",
  });
}
