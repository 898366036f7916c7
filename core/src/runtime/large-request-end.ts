import { Priority, type PullJobData } from "../queue/topology.ts";
import type { Connection } from "../state/index.ts";
import { deliveryBodies } from "./delivery-bodies.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

/** The trace id of a large request's `large_request_sending`, whichever way the request ends: one per reference. */
export const largeRequestSendingTraceId = (reference: string): string => deterministicTraceId(reference, "large_request_sending");

/**
 * A large request that will send nothing (its pull failed for good, its user was paused or lost its access
 * before it ran): `large_request_sending` with `expected_payloads: 0`, the only way Terra's events have to
 * tell an app counting the reference's payloads that it has them all, so it does not wait forever. Under the
 * announcement's own trace id: if the request did announce its payloads, this one is the repeat a receiver
 * drops. A disconnected user gets nothing: its `deauth` ends the request.
 */
export async function announceNoPayloads(
  ctx: Pick<RuntimeContext, "destinations" | "queues" | "redis" | "policy" | "defaultDeveloper">,
  user: Connection,
  request: { reference: string; dataType: string },
  why: string,
): Promise<void> {
  if (!user.active) return;
  await emitPayload(
    ctx,
    lifecyclePayload("large_request_sending", {
      user: toTerraUser(user),
      reference: request.reference,
      expected_payloads: 0,
      message: `Large request: no ${request.dataType} payloads will be sent (${why})`,
    }),
    { traceId: largeRequestSendingTraceId(request.reference), reference: request.reference, priority: Priority.live, developer: user.developer_id },
  );
}

/**
 * The pull of a large request failed for good (it is dead-lettered): its app is told nothing follows —
 * unless the pull announced its payloads before it failed (its announcement is stored for delivery, or
 * delivered: the audit is written before the body is let go), which must not be overwritten.
 */
export async function endFailedLargeRequest(ctx: RuntimeContext, data: Partial<PullJobData>): Promise<void> {
  if (data.reason !== "request" || data.large !== true || !data.reference || !data.userId || !data.dataType) return;
  const traceId = largeRequestSendingTraceId(data.reference);
  if ((await deliveryBodies(ctx).get(traceId)) !== undefined) return;
  if ((await ctx.store.listDeliveries({ traceId, limit: 1 })).length > 0) return;
  const user = await ctx.store.getConnection(data.userId);
  if (!user) return;
  await announceNoPayloads(ctx, user, { reference: data.reference, dataType: data.dataType }, "the request failed; request the data again");
  ctx.log.warn({ reference: data.reference, userId: data.userId }, "large request failed for good: announced with expected_payloads 0");
}
