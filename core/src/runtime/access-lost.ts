import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, operatorMessage } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import { ProviderAccessRevokedError } from "../provider-http/errors.ts";
import { Priority } from "../queue/topology.ts";
import type { Connection } from "../state/index.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

/** The provider will not serve this connection any more: its credentials were refused for good. */
export const isAccessLost = (error: unknown): boolean => isTributaryError(error) && error.code === ErrorCodes.AUTH_REVOKED;

/**
 * A pull found the connection's access gone. The connection is marked (its tokens are never spent again)
 * and the developer's destinations hear it once, as Terra says it: `access_revoked` when the user
 * withdrew access (the provider said so, or its token endpoint refused the refresh token), and
 * `connection_error` when the provider keeps refusing credentials a refresh could not cure.
 */
export async function reportAccessLost(ctx: RuntimeContext, user: Connection, error: unknown, log: Logger): Promise<"access_revoked" | "connection_error"> {
  const type = error instanceof ProviderAccessRevokedError && error.kind === "refused" ? "connection_error" : "access_revoked";
  const reason = operatorMessage(error);
  const marked = await ctx.store.markAuthRevoked(user.user_id, reason.slice(0, 500));
  await emitPayload(
    ctx,
    lifecyclePayload(type, {
      status: "warning",
      // Withdrawn access ends the user's data (Terra shows it inactive); a refusal may pass, as Terra's active user shows.
      user: { ...toTerraUser(marked ?? user), ...(type === "access_revoked" ? { active: false } : {}) },
      message: type === "access_revoked" ? "User revoked access" : "The provider refused the user's credentials; the user must connect again",
    }),
    // One report per connection, however many of its pulls found out at once.
    { traceId: deterministicTraceId(`${user.user_id}:access-lost`), priority: Priority.live, developer: user.developer_id },
  );
  log.warn({ userId: user.user_id, provider: user.provider, event: type, reason }, "provider access lost: connection marked, destinations told");
  return type;
}
