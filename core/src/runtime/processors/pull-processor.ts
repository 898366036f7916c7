import { DelayedError, type Job } from "bullmq";
import type { DataType } from "@tributary/schemas";
import { ErrorCodes } from "../../errors/codes.ts";
import { RateLimitedError, TransientError, UserError } from "../../errors/tributary-error.ts";
import { unrecoverableIfUserError } from "./unrecoverable.ts";
import { isPollAll, isStaleCheck, MAX_FREE_PROVIDER_RATE_LIMITS, pullPriority, type PollAllJobData, type PullJobData, type PullQueueJobData } from "../../queue/topology.ts";
import { checkStaleConnections, type StaleCheckResult } from "../stale-connections.ts";
import { isLargeRange } from "../date-range.ts";
import { deferJob } from "../defer-job.ts";
import { openPublishStream, type PublishResult } from "../publish-records.ts";
import { clampPullWindow } from "../pull-window.ts";
import { rateBudget } from "../rate-budget.ts";
import { readNormalizedSlices } from "../read-normalized.ts";
import type { RuntimeContext } from "../runtime-context.ts";
import { processPollAll, type PollAllResult } from "./poll-all-processor.ts";

export interface PullResult extends PublishResult {
  /** Redis time the provider's rate budget granted this pull (absent when the connection was inactive). */
  budgetGrantedAt?: number;
}

/**
 * The pull queue's processor. Scheduler ticks fan out into pulls; a pull reads one data type for one
 * user and window within the provider's rate budget, maps, validates, quarantines what fails, then emits
 * payloads — chunked and announced when it answers a large request.
 *
 * Waiting for the budget, or for a provider's Retry-After, parks the job as delayed without spending an
 * attempt. User-class errors (deleted connection, unsupported type) end the job at once: retrying
 * cannot fix them.
 */
export async function processPull(
  ctx: RuntimeContext,
  job: Job<PullQueueJobData>,
  token?: string,
  signal?: AbortSignal,
): Promise<PullResult | PollAllResult | StaleCheckResult> {
  try {
    if (isStaleCheck(job.data)) return await checkStaleConnections(ctx);
    if (isPollAll(job.data)) return await processPollAll(ctx, job as Job<PollAllJobData>);
    return await pullOnce(ctx, job as Job<PullJobData>, token, signal);
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    if (error instanceof RateLimitedError && token) {
      // The provider said 429: stop every worker from calling it until Retry-After, then try again.
      await rateBudget(ctx).block(job.data.provider, error.retryAfterMs);
      const data = job.data as PullJobData;
      const rateLimited = (data.rateLimited ?? 0) + 1;
      await job.updateData({ ...data, rateLimited });
      if (rateLimited > MAX_FREE_PROVIDER_RATE_LIMITS) {
        ctx.log.error({ provider: data.provider, rateLimited, jobId: job.id }, "provider keeps rate-limiting a pull; failing an attempt");
        throw new TransientError(ErrorCodes.PROVIDER_RATE_LIMITED, `${data.provider} answered this pull with 429 ${rateLimited} times`, {
          hint: "Check the provider's limits for this OAuth client and providers.<name>.rateLimit in the config; the job retries with backoff, then stays failed for replay.",
        });
      }
      ctx.log.warn({ provider: data.provider, retryAfterMs: error.retryAfterMs, jobId: job.id, rateLimited }, "provider rate-limited a pull; the provider is paused");
      return deferJob(job, token, error.retryAfterMs);
    }
    throw unrecoverableIfUserError(error);
  }
}

async function pullOnce(ctx: RuntimeContext, job: Job<PullJobData>, token: string | undefined, signal: AbortSignal | undefined): Promise<PullResult> {
  const data = job.data;
  const user = await ctx.store.getConnection(data.userId);
  if (!user) {
    throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `No connection ${data.userId}`, { hint: "The user was deleted; nothing to pull." });
  }
  // Disconnected, or paused by its developer: nothing of theirs is pulled.
  if (!user.active || user.paused_at !== null) return { records: 0, quarantined: 0, payloads: 0 };
  const connector = ctx.registry.connector(data.provider);
  const dataType = data.dataType as DataType;
  if (!connector.canPull(dataType)) {
    throw new UserError(ErrorCodes.DATA_TYPE_UNSUPPORTED, `${data.provider} cannot pull ${data.dataType}: no stream reads it`, {
      hint: "Its records only arrive by push; nothing is pulled for this data type.",
      plugin: data.provider,
    });
  }
  const log = ctx.log.child({ traceId: data.traceId, provider: data.provider, dataType, userId: user.user_id });

  // One unit per pull: the budget is per provider client, shared with every user and worker.
  const budget = await rateBudget(ctx).acquire(data.provider);
  if (!budget.ok) {
    if (!token) throw new RateLimitedError(ErrorCodes.PROVIDER_RATE_LIMITED, `${data.provider} rate budget exhausted`, budget.retryAfterMs);
    log.debug({ retryAfterMs: budget.retryAfterMs }, "provider rate budget exhausted; pull parked");
    return deferJob(job, token, budget.retryAfterMs);
  }

  const range = clampPullWindow({ start: new Date(data.start), end: new Date(data.end) }, connector.sync);
  if (range.clamped) log.warn({ asked: { start: data.start, end: data.end }, pulled: { start: range.start, end: range.end } }, "pull window reaches beyond the provider's history or too far ahead; pulling the part that can hold data");
  const published = openPublishStream(ctx, {
    user,
    dataType,
    traceId: data.traceId,
    traceSeed: job.id ?? data.traceId,
    priority: pullPriority(data.reason),
    ...(data.reference !== undefined ? { reference: data.reference } : {}),
    // The request decided (and announced) it; a pull of an older version decides from its window.
    large: data.large ?? (data.reason === "request" && isLargeRange(range, ctx.policy.largeRequestDays)),
    emitEmpty: data.reason === "request",
    log,
  });
  // Records stream through in slices: mapped, validated, quarantined and sent on in payloads as they
  // arrive, so the memory a pull holds does not grow with its window.
  for await (const slice of readNormalizedSlices(ctx, {
    connector,
    user,
    dataType,
    range,
    withSamples: data.withSamples,
    signal: signal ?? new AbortController().signal,
    log,
  })) {
    await published.add(slice);
  }
  const result = await published.finish();
  await ctx.store.markPolled(user.user_id, new Date());
  await job.updateProgress({ ...result });
  return { ...result, budgetGrantedAt: budget.grantedAtMs };
}
