import type { Job } from "bullmq";
import type { IngestJobData } from "../../queue/topology.ts";
import type { RuntimeContext } from "../runtime-context.ts";

/** Provider push notifications: filled in with the webhook ingress (pipeline issue). */
export async function processIngest(ctx: RuntimeContext, job: Job<IngestJobData>): Promise<void> {
  ctx.log.warn({ provider: job.data.provider, traceId: job.data.traceId }, "ingest queue has no processor for push notifications yet");
}
