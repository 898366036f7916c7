import type { JobsOptions } from "bullmq";
import type { DeliveryPayload } from "../contracts/destination.ts";
import { jobId } from "../queue/job-id.ts";
import type { DeliverJobData } from "../queue/topology.ts";
import type { RuntimeContext } from "./runtime-context.ts";

export interface EmitOptions {
  traceId: string;
  reference?: string;
  orderingTimestamp?: number;
  priority?: number;
}

/**
 * Fan a payload out: one deliver job per destination that receives its type, so a slow or broken
 * destination never holds up the others. The job id makes re-emitting the same trace id a no-op while
 * the earlier job is still known to BullMQ.
 */
export async function emitPayload(ctx: RuntimeContext, payload: DeliveryPayload, options: EmitOptions): Promise<number> {
  const orderingTimestamp = options.orderingTimestamp ?? Date.now();
  const jobs: Array<{ name: string; data: DeliverJobData; opts: JobsOptions }> = [];
  for (const [name, active] of ctx.destinations) {
    if (active.events && !active.events.has(payload.type)) continue;
    jobs.push({
      name,
      data: { destination: name, traceId: options.traceId, reference: options.reference, orderingTimestamp, payload },
      opts: {
        jobId: jobId(options.traceId, name),
        attempts: ctx.policy.attempts,
        backoff: { type: "delivery" },
        ...(options.priority ? { priority: options.priority } : {}),
      },
    });
  }
  if (jobs.length > 0) await ctx.queues.deliver.addBulk(jobs);
  return jobs.length;
}
