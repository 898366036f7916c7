import { randomUUID } from "node:crypto";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { Priority } from "../queue/topology.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";

/**
 * Disconnect a user: the connection stops being pulled (and its tokens stay encrypted until deleted), and
 * every destination erases the user's data and then receives the `deauth` event — both in one delivery
 * job per destination, so they arrive in that order and are retried together.
 */
export async function deauthUser(ctx: RuntimeContext, userId: string): Promise<{ traceId: string; destinations: number }> {
  const connection = await ctx.store.deactivate(userId);
  if (!connection) {
    throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `No connection ${userId}`, { hint: "Check the user_id (tributary connect prints it)." });
  }
  const user = toTerraUser(connection);
  const traceId = randomUUID();
  const destinations = await emitPayload(
    ctx,
    lifecyclePayload("deauth", { status: "success", user, message: "User has deauthenticated" }),
    { traceId, priority: Priority.live, eraseUser: { user_id: user.user_id, provider: user.provider, reference_id: user.reference_id } },
  );
  return { traceId, destinations };
}
