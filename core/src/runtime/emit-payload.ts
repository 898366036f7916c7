import type { JobsOptions } from "bullmq";
import type { DeliveryPayload } from "../contracts/destination.ts";
import { payloadUserId } from "../contracts/natural-key.ts";
import { jobId } from "../queue/job-id.ts";
import type { DeliverJobData } from "../queue/topology.ts";
import type { RuntimeContext } from "./runtime-context.ts";

export interface EmitOptions {
  traceId: string;
  reference?: string;
  orderingTimestamp?: number;
  priority?: number;
  /** Erase this user's data at each destination before delivering the payload (deauth). */
  eraseUser?: DeliverJobData["eraseUser"];
  /** With `eraseUser`: erase only, deliver nothing. */
  eraseOnly?: boolean;
  /** Run the deliveries no sooner than this from now. */
  delayMs?: number;
}

/**
 * Fan a payload out: one deliver job per destination that receives its type, so a slow or broken
 * destination never holds up the others. The job id makes re-emitting the same trace id a no-op while
 * the earlier job is still known to BullMQ.
 */
export async function emitPayload(ctx: RuntimeContext, payload: DeliveryPayload, options: EmitOptions): Promise<number> {
  const orderingTimestamp = options.orderingTimestamp ?? Date.now();
  const adds: Array<Promise<unknown>> = [];
  const payloadJson = JSON.stringify(payload);
  const userId = payloadUserId(payload);
  for (const [name, active] of ctx.destinations) {
    const subscribed = !options.eraseOnly && (!active.events || active.events.has(payload.type));
    if (!subscribed && !options.eraseUser) continue;
    const data: DeliverJobData = {
      destination: name,
      traceId: options.traceId,
      reference: options.reference,
      orderingTimestamp,
      payloadJson,
      eventType: payload.type,
      ...(userId ? { userId } : {}),
      ...(options.eraseUser ? { eraseUser: options.eraseUser } : {}),
      ...(subscribed ? {} : { eraseOnly: true }),
    };
    const opts: JobsOptions = {
      jobId: jobId(options.traceId, name),
      attempts: ctx.policy.attempts,
      backoff: { type: "delivery" },
      ...(options.priority ? { priority: options.priority } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
    };
    adds.push(ctx.queues.deliverTo(name).add(payload.type, data, opts));
  }
  await Promise.all(adds);
  return adds.length;
}
