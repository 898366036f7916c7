import { operatorMessage } from "../errors/tributary-error.ts";
import { Priority } from "../queue/topology.ts";
import { emitPayload } from "../runtime/emit-payload.ts";
import { lifecyclePayload } from "../runtime/envelope.ts";
import { toTerraUser } from "../runtime/terra-user.ts";
import { deterministicTraceId } from "../runtime/trace-id.ts";
import { DEFAULT_WRITE_TIMEOUT_MS } from "../runtime/processors/deliver-processor.ts";
import { deauthPendingKey } from "../queue/redis-keys.ts";
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
 * arrive in that order and are retried together. The user is deactivated before those jobs are queued: from
 * then on every delivery of theirs is withheld, and a write that was already under way lands before the
 * job writes `deauth` (see the deliver processor), so nothing follows it. Each destination erases once more
 * after the longest write could have lasted. Deauthorizing a user twice (or twice at once) does all this
 * once; the second call says so. A call that failed after the deactivation (Redis lost while queueing) is
 * made again: it queues what the first did not.
 */
export async function deauthorizeUser(ctx: ServiceContext, userId: string, options: DeauthorizeOptions = {}): Promise<DeauthorizeResult> {
  const connection = await requireConnection(ctx, userId, options.scope);
  const pending = deauthPendingKey(ctx.queues.prefix, connection.user_id);
  if (connection.active) {
    // Noted before the deactivation, so a call that stops between it and the queueing is known to be unfinished.
    const noted = (await ctx.redis.set(pending, "1", "EX", PENDING_TTL_SECONDS, "NX")) === "OK";
    if (!(await ctx.store.deactivateIfActive(connection.user_id))) {
      // Another call deactivated it meanwhile, and queues the jobs.
      if (noted) await ctx.redis.del(pending);
      return { status: "already_deauthorized" };
    }
  } else if ((await ctx.redis.exists(pending)) === 0) return { status: "already_deauthorized" };
  const user = toTerraUser({ ...connection, active: false });
  // Named after the user: a call made again after a failure, or two calls at once, emit the same jobs,
  // which the queues take once.
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
  await ctx.redis.del(pending);
  if (options.authorizer?.handles(connection.provider) && options.authorizer.revoke) {
    try {
      await options.authorizer.revoke({ ...connection, active: false });
    } catch (error) {
      ctx.log.warn(
        { userId, provider: connection.provider, err: operatorMessage(error) },
        "revoking the grant at the provider failed; the user is deauthorized here anyway",
      );
    }
  }
  return { status: "deauthorized", traceId, destinations };
}

/** How long an unfinished deauth can be finished by calling again (a week: the time failed jobs are kept). */
const PENDING_TTL_SECONDS = 7 * 86_400;
