import type { TributaryConfig } from "../config/config-schema.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { connectUser } from "../services/connect-user.ts";
import { deauthorizeUser, type DeauthorizeResult } from "../services/deauthorize-user.ts";
import { pauseUser, resumeUser } from "../services/pause-user.ts";
import type { ServiceContext } from "../services/service-context.ts";
import type { TerraUserObject } from "../runtime/envelope.ts";
import { toTerraUser } from "../runtime/terra-user.ts";

export interface ConnectRequest {
  provider: string;
  /** The developer account (dev-id) the user belongs to; the default developer's when absent. */
  developerId?: string;
  referenceId?: string;
  providerUserId?: string;
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
export function operatorActions(ctx: ServiceContext, config: Pick<TributaryConfig, "providers" | "api" | "developers">): OperatorActions {
  return {
    async connect(request) {
      const provider = request.provider.toUpperCase();
      if (!ctx.registry.hasConnector(provider)) {
        throw new UserError(ErrorCodes.PLUGIN_UNKNOWN, `No connector is named ${provider}`, {
          hint: `Loaded connectors: ${ctx.registry.connectors().map((c) => c.name).join(", ") || "none"}.`,
        });
      }
      if (config.providers[provider]?.enabled === false) {
        throw new UserError(ErrorCodes.CONFIG_INVALID, `Provider ${provider} is disabled in the config`, { hint: `Set providers.${provider}.enabled: true.` });
      }
      const developerId = request.developerId ?? config.api?.devId;
      if (developerId === undefined || (developerId !== config.api?.devId && !config.developers.some((d) => d.devId === developerId))) {
        throw new UserError(ErrorCodes.CONFIG_INVALID, developerId === undefined ? "This config has no default developer (api:)" : `No developer has the devId "${developerId}"`, {
          hint: `Pass --dev-id with one of: ${[config.api?.devId, ...config.developers.map((d) => d.devId)].filter(Boolean).join(", ")}.`,
        });
      }
      const { user, backfillJobs } = await connectUser(ctx, {
        provider,
        developerId,
        ...(request.referenceId ? { referenceId: request.referenceId } : {}),
        ...(request.providerUserId ? { providerUserId: request.providerUserId } : {}),
      });
      return { user, backfillJobs };
    },
    deauthorize: (userId) => deauthorizeUser(ctx, userId),
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
