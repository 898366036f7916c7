import { operatorMessage } from "../errors/tributary-error.ts";
import { Priority } from "../queue/topology.ts";
import { emitPayload } from "../runtime/emit-payload.ts";
import { lifecyclePayload } from "../runtime/envelope.ts";
import { toTerraUser } from "../runtime/terra-user.ts";
import { deterministicTraceId } from "../runtime/trace-id.ts";
import { DEFAULT_WRITE_TIMEOUT_MS } from "../runtime/processors/deliver-processor.ts";
import { requireConnection } from "./owned-connection.ts";
import type { ProviderAuthorizer } from "./provider-authorizer.ts";
import type { DeveloperScope, ServiceContext } from "./service-context.ts";

/** Twice the longest write any destination may take: by then every racing write has ended, one way or the other. */
export function eraseSweepDelayMs(ctx: Pick<ServiceContext, "destinations">): number {
  let longest = DEFAULT_WRITE_TIMEOUT_MS;
  for (const active of ctx.destinations.values()) longest = Math.max(longest, active.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS);
  return 2 * longest;
}

export interface DeauthorizeOptions {
  scope?: DeveloperScope;
  /** Revokes the grant at the provider, where the provider's flow can. */
  authorizer?: ProviderAuthorizer;
}

export type DeauthorizeResult =
  | { status: "deauthorized"; traceId: string; destinations: number }
  /** It was already disconnected: nothing is sent again. */
  | { status: "already_deauthorized" };

/**
 * Disconnect a user: the grant is revoked at the provider where it can be, the connection stops being
 * pulled (its tokens stay encrypted until deleted), and every destination of its developer erases the
 * user's data and then receives the `deauth` event — both in one delivery job per destination, so they
 * arrive in that order and are retried together. From the deactivation on, deliveries of the user's data
 * are withheld (see the deliver processor); one that checked just before it may still be writing while
 * the erase runs, so each destination erases once more after the longest write could have lasted.
 * Deauthorizing a user twice (or twice at once) does all this once; the second call says so.
 */
export async function deauthorizeUser(ctx: ServiceContext, userId: string, options: DeauthorizeOptions = {}): Promise<DeauthorizeResult> {
  const connection = await requireConnection(ctx, userId, options.scope);
  if (!connection.active) return { status: "already_deauthorized" };
  const user = toTerraUser({ ...connection, active: false });
  // Named after the user: a call retried after a failure, or two calls at once, emit the same jobs, which
  // the queues take once. Emitted before the deactivation, so a failure here leaves the user connected and
  // the call can simply be made again.
  const traceId = deterministicTraceId(user.user_id, "deauth");
  const payload = lifecyclePayload("deauth", { status: "success", user, message: "User has deauthenticated" });
  const eraseUser = { user_id: user.user_id, provider: user.provider, reference_id: user.reference_id };
  const developer = connection.developer_id;
  const destinations = await emitPayload(ctx, payload, { traceId, priority: Priority.live, eraseUser, developer });
  await emitPayload(ctx, payload, {
    traceId: `${traceId}.sweep`,
    priority: Priority.live,
    eraseUser,
    eraseOnly: true,
    delayMs: eraseSweepDelayMs(ctx),
    developer,
  });
  const deactivated = await ctx.store.deactivateIfActive(user.user_id);
  if (!deactivated) return { status: "already_deauthorized" };
  if (options.authorizer?.handles(deactivated.provider) && options.authorizer.revoke) {
    try {
      await options.authorizer.revoke(deactivated);
    } catch (error) {
      ctx.log.warn(
        { userId, provider: deactivated.provider, err: operatorMessage(error) },
        "revoking the grant at the provider failed; the user is deauthorized here anyway",
      );
    }
  }
  return { status: "deauthorized", traceId, destinations };
}
