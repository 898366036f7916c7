import { randomUUID } from "node:crypto";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { Priority } from "../queue/topology.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { DEFAULT_WRITE_TIMEOUT_MS } from "./processors/deliver-processor.ts";

/** Twice the longest write any destination may take: by then every racing write has ended, one way or the other. */
export function eraseSweepDelayMs(ctx: RuntimeContext): number {
  let longest = DEFAULT_WRITE_TIMEOUT_MS;
  for (const active of ctx.destinations.values()) longest = Math.max(longest, active.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS);
  return 2 * longest;
}

/**
 * Disconnect a user: the connection stops being pulled (and its tokens stay encrypted until deleted), and
 * every destination erases the user's data and then receives the `deauth` event — both in one delivery
 * job per destination, so they arrive in that order and are retried together. From the deactivation on,
 * deliveries of the user's data are withheld (see the deliver processor); one that checked just before
 * it may still be writing while the erase runs, so each destination erases once more after the longest
 * write could have lasted.
 */
export async function deauthUser(ctx: RuntimeContext, userId: string): Promise<{ traceId: string; destinations: number }> {
  const connection = await ctx.store.deactivate(userId);
  if (!connection) {
    throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `No connection ${userId}`, { hint: "Check the user_id (tributary connect prints it)." });
  }
  const user = toTerraUser(connection);
  const traceId = randomUUID();
  const payload = lifecyclePayload("deauth", { status: "success", user, message: "User has deauthenticated" });
  const eraseUser = { user_id: user.user_id, provider: user.provider, reference_id: user.reference_id };
  const destinations = await emitPayload(ctx, payload, { traceId, priority: Priority.live, eraseUser });
  await emitPayload(ctx, payload, { traceId: `${traceId}.sweep`, priority: Priority.live, eraseUser, eraseOnly: true, delayMs: eraseSweepDelayMs(ctx) });
  return { traceId, destinations };
}
