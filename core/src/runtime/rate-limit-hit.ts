import type { PullJobData } from "../queue/topology.ts";
import { Priority } from "../queue/topology.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { terraUtc, toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

/**
 * Terra's `rate_limit_hit`: an asynchronous data request of the developer's (`GET /v2/<type>` delivered
 * to the destinations) was refused by the provider's rate limit and will be tried again at `retrying_at`.
 * Only the developer's own requests are reported: polls, backfills and pings are Tributary's to pace,
 * and our own budget running out is pacing, not a refusal. One event per refusal; the trace id is derived
 * from the job and the refusal's count, so a job that runs this step twice reports it once.
 */
export async function reportRateLimitHit(
  ctx: RuntimeContext,
  job: { id?: string | undefined; data: PullJobData },
  retryAfterMs: number,
  refusals: number,
): Promise<boolean> {
  const { data } = job;
  if (data.reason !== "request") return false;
  const connection = await ctx.store.getConnection(data.userId);
  if (!connection) return false;
  const retryingAt = terraUtc(new Date(Date.now() + retryAfterMs).toISOString());
  await emitPayload(
    ctx,
    lifecyclePayload("rate_limit_hit", {
      user: toTerraUser(connection),
      start_date: data.start,
      end_date: data.end,
      retrying_at: retryingAt,
      message: `${data.provider} rate-limited the request for ${data.dataType} data; it is retried at ${retryingAt}`,
    }),
    {
      traceId: deterministicTraceId(job.id ?? data.traceId, "rate_limit_hit", refusals),
      ...(data.reference ? { reference: data.reference } : {}),
      priority: Priority.live,
      developer: connection.developer_id,
    },
  );
  return true;
}
