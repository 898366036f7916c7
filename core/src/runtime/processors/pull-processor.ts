import { DelayedError, type Job } from "bullmq";
import type { DataType, RequestSpec } from "@tributary/schemas";
import type { RuntimeConnector } from "../../connectors/runtime-connector.ts";
import type { Logger } from "../../log/logger.ts";
import { ProviderWaitError } from "../../provider-http/errors.ts";
import type { Connection } from "../../state/index.ts";
import type { StreamPosition } from "../../streams/read-stream.ts";
import { isAccessLost, reportAccessLost } from "../access-lost.ts";
import { ErrorCodes } from "../../errors/codes.ts";
import { RateLimitedError, TransientError, UserError } from "../../errors/tributary-error.ts";
import { unrecoverableIfUserError } from "./unrecoverable.ts";
import {
  isPollAll,
  isRenewSubscriptions,
  isStaleCheck,
  MAX_FREE_PROVIDER_RATE_LIMITS,
  pullPriority,
  type PollAllJobData,
  type PullJobData,
  type PullQueueJobData,
  type RenewSubscriptionsJobData,
} from "../../queue/topology.ts";
import { processRenewSubscriptions, type RenewSubscriptionsResult } from "../renew-subscriptions.ts";
import { pruneRecordParts } from "../prune-record-parts.ts";
import { pruneDeliveries } from "../prune-deliveries.ts";
import { checkStaleConnections, type StaleCheckResult } from "../stale-connections.ts";
import { isLargeRange } from "../date-range.ts";
import { announceNoPayloads } from "../large-request-end.ts";
import { deferJob } from "../defer-job.ts";
import { openPublishStream, type PublishResult } from "../publish-records.ts";
import { clampPullWindow } from "../pull-window.ts";
import { pullResume } from "../pull-resume.ts";
import { rateBudget } from "../rate-budget.ts";
import { reportRateLimitHit } from "../rate-limit-hit.ts";
import { readNormalizedSlices } from "../read-normalized.ts";
import type { RuntimeContext } from "../runtime-context.ts";
import { zoneRereads } from "../zone-rereads.ts";
import { processPollAll, type PollAllResult } from "./poll-all-processor.ts";

export interface PullResult extends PublishResult {
  /** Redis time the operator's per-pull budget granted this pull (connectors without provider requests). */
  budgetGrantedAt?: number;
  /** The provider refused the connection's access: what the destinations were told. */
  accessLost?: "access_revoked" | "connection_error";
  /** The provider was asked to push the history instead (sync.backfillRequests). */
  backfillRequested?: boolean;
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
): Promise<PullResult | PollAllResult | (StaleCheckResult & { prunedRecordParts: number; prunedDeliveries: number }) | RenewSubscriptionsResult> {
  try {
    if (isStaleCheck(job.data)) {
      return { ...(await checkStaleConnections(ctx)), prunedRecordParts: await pruneRecordParts(ctx), prunedDeliveries: await pruneDeliveries(ctx) };
    }
    if (isRenewSubscriptions(job.data)) return await processRenewSubscriptions(ctx, job as Job<RenewSubscriptionsJobData>);
    if (isPollAll(job.data)) return await processPollAll(ctx, job as Job<PollAllJobData>);
    return await pullOnce(ctx, job as Job<PullJobData>, token, signal);
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    if (error instanceof RateLimitedError && token) {
      // The provider said 429: stop every worker from calling it until Retry-After, then try again. (The
      // provider client already blocked its own budget, per client or per user as the spec says.)
      if (!(error instanceof ProviderWaitError)) await rateBudget(ctx).block(job.data.provider, error.retryAfterMs);
      const data = job.data as PullJobData;
      // The rate budget running out is pacing, not the provider refusing us: it never counts.
      const rateLimited = (data.rateLimited ?? 0) + (error instanceof ProviderWaitError && error.reason === "budget" ? 0 : 1);
      await job.updateData({ ...data, rateLimited });
      if (rateLimited > MAX_FREE_PROVIDER_RATE_LIMITS) {
        ctx.log.error({ provider: data.provider, rateLimited, jobId: job.id }, "provider keeps rate-limiting a pull; failing an attempt");
        throw new TransientError(ErrorCodes.PROVIDER_RATE_LIMITED, `${data.provider} answered this pull with 429 ${rateLimited} times`, {
          hint: "Check the provider's limits for this OAuth client and providers.<name>.rateLimit in the config; the job retries with backoff, then stays failed for replay.",
        });
      }
      const reason = error instanceof ProviderWaitError ? error.reason : "provider";
      logPark(ctx, { provider: data.provider, jobId: job.id, retryAfterMs: error.retryAfterMs, rateLimited, reason, error });
      parked(ctx, data.provider, reason, error.retryAfterMs);
      if (reason === "provider") await reportRateLimitHit(ctx, { id: job.id, data }, error.retryAfterMs, rateLimited);
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
  // Disconnected, paused by its developer, or its access gone: nothing of theirs is pulled.
  if (!user.active || user.paused_at !== null || user.auth_status === "revoked") {
    // A large request's app, told to expect payloads (large_request_processing), learns that none will come.
    if (data.large && data.reference) {
      const why = user.paused_at !== null ? "the user is paused" : "the user's access is revoked";
      await announceNoPayloads(ctx, user, { reference: data.reference, dataType: data.dataType }, why);
    }
    return { records: 0, quarantined: 0, payloads: 0 };
  }
  const connector = ctx.registry.connector(data.provider);
  const dataType = data.dataType as DataType;
  const log = ctx.log.child({ traceId: data.traceId, provider: data.provider, dataType, userId: user.user_id });
  const backfillRequests = data.reason === "backfill" ? connector.sync.backfillRequests[dataType] : undefined;
  if (backfillRequests) return await requestBackfill(ctx, connector, user, data, backfillRequests, log);
  if (!connector.canPull(dataType)) {
    throw new UserError(ErrorCodes.DATA_TYPE_UNSUPPORTED, `${data.provider} cannot pull ${data.dataType}: no stream reads it`, {
      hint: "Its records only arrive by push; nothing is pulled for this data type.",
      plugin: data.provider,
    });
  }

  // A connector whose reads the provider client does not see (read hooks, no http section) takes one unit
  // of the operator's budget per pull; the others take theirs per request, in the provider client.
  let budgetGrantedAt: number | undefined;
  if (!ctx.access.client(connector)) {
    const budget = await rateBudget(ctx).acquire(data.provider);
    if (!budget.ok) {
      if (!token) throw new RateLimitedError(ErrorCodes.PROVIDER_RATE_LIMITED, `${data.provider} rate budget exhausted`, budget.retryAfterMs);
      log.debug({ retryAfterMs: budget.retryAfterMs }, "provider rate budget exhausted; pull parked");
      parked(ctx, data.provider, "budget", budget.retryAfterMs);
      return deferJob(job, token, budget.retryAfterMs);
    }
    budgetGrantedAt = budget.grantedAtMs;
  }

  const range = clampPullWindow({ start: new Date(data.start), end: new Date(data.end) }, connector.sync);
  if (range.clamped)
    log.warn(
      { asked: { start: data.start, end: data.end }, pulled: { start: range.start, end: range.end } },
      "pull window reaches beyond the provider's history or too far ahead; pulling the part that can hold data",
    );
  const large = data.large ?? (data.reason === "request" && isLargeRange(range, ctx.policy.largeRequestDays));
  const published = openPublishStream(ctx, {
    user,
    dataType,
    traceId: data.traceId,
    // A pull continued after a wait publishes under a seed of its own: its payloads are new ones.
    traceSeed: data.resume ? `${job.id ?? data.traceId}:${data.resume.part}` : (job.id ?? data.traceId),
    priority: pullPriority(data.reason),
    ...(data.reference !== undefined ? { reference: data.reference } : {}),
    // The request decided (and announced) it; a pull of an older version decides from its window.
    large,
    // A request's empty answer is sent once its whole window is read and nothing was found, parks or not.
    emitEmpty: data.reason === "request" && !data.resume?.published,
    log,
  });
  // Where each stream's read is once its published records are safe: saved with the job when it waits.
  const saved = (data.resume?.positions ?? {}) as Record<string, StreamPosition>;
  const positions: Record<string, StreamPosition> = { ...saved };
  try {
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
      // Polls ask only for what is new since each stream's checkpoint.
      checkpoint: data.reason === "poll" ? "use" : "ignore",
      // …and, where the provider keeps a transaction of what is new, take that instead — so does the daily
      // reconciliation of a push provider: what this client has not committed is what its pushes may have missed.
      transactions: data.reason === "poll" || data.reason === "reconcile",
      // Both ask what is new: a record that reached the provider lately counts, whenever it was recorded.
      recent: data.reason === "poll" || data.reason === "reconcile",
      ...(data.resume && !large ? { resume: saved } : {}),
      onStaleDates: zoneRereads(ctx, connector, user, data.traceId),
    })) {
      await published.add(slice);
      // A transaction's records stored and their deliveries enqueued before the reader commits it.
      if (slice.settle) await published.flush();
      if (slice.position) positions[slice.stream] = slice.position;
    }
  } catch (error) {
    if (error instanceof ProviderWaitError && token && !large) {
      // Publish what was read before the wait, and continue from there when the job wakes up.
      const sofar = await published.finish({ continues: true });
      let resume: ReturnType<typeof pullResume>;
      try {
        resume = pullResume((data.resume?.part ?? 0) + 1, positions, undefined, Boolean(data.resume?.published) || sofar.payloads > 0);
      } catch (tooLarge) {
        // A retry then reads the window from its start, not from a position older than what was published.
        const { resume: _older, ...fresh } = data;
        await job.updateData(fresh);
        throw tooLarge;
      }
      await job.updateData({ ...data, resume });
    }
    if (isAccessLost(error)) {
      const event = await reportAccessLost(ctx, user, error, log);
      await published.finish();
      return { records: 0, quarantined: 0, payloads: 0, accessLost: event };
    }
    throw error;
  }
  const result = await published.finish();
  await ctx.store.markPolled(user.user_id, new Date());
  await job.updateProgress({ ...result });
  return { ...result, ...(budgetGrantedAt !== undefined ? { budgetGrantedAt } : {}) };
}

/**
 * Says why a pull was parked. Our own rate budget running out is pacing — nothing was refused, nothing
 * is paused — and only worth a debug line; a provider's 429 or Retry-After is a warning: every pull
 * of that budget (the OAuth client's, or the user's) waits it out.
 */
function logPark(
  ctx: RuntimeContext,
  park: { provider: string; jobId: string | undefined; retryAfterMs: number; rateLimited: number; reason: "budget" | "provider"; error: RateLimitedError },
): void {
  const { provider, jobId, retryAfterMs, rateLimited, reason, error } = park;
  if (reason === "budget") {
    const window = error.details?.window;
    ctx.log.debug(
      { provider, jobId, retryAfterMs, ...(window !== undefined ? { window } : {}) },
      "rate budget spent: pull parked until the budget has room; it continues where it stopped",
    );
    return;
  }
  ctx.log.warn(
    { provider, jobId, retryAfterMs, rateLimited, status: error.details?.status },
    `${provider} refused a request (rate limited): pull parked for ${Math.ceil(retryAfterMs / 1000)} s; requests on its budget wait until then`,
  );
}

/** A pull parked as a delayed job for `ms`: counted as waiting, like the waits slept in-process. */
function parked(ctx: RuntimeContext, provider: string, reason: "budget" | "provider", ms: number): void {
  ctx.metrics.providerWaits.inc({ provider, reason, mode: "parked" }, ms / 1000);
}

/**
 * A provider that pushes its history when asked (Garmin's backfill endpoints answer 202): the connect's
 * backfill of such a data type is that request, `{start}` and `{end}` in unix seconds, sent with the
 * connection's credentials; the records come later by push.
 */
async function requestBackfill(
  ctx: RuntimeContext,
  connector: RuntimeConnector,
  user: Connection,
  data: PullJobData,
  requests: readonly RequestSpec[],
  log: Logger,
): Promise<PullResult> {
  const session = await ctx.access.session(connector, user);
  if (!session) {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${connector.name} declares sync.backfillRequests but no http section to send them with`, {
      plugin: connector.name,
    });
  }
  const range = clampPullWindow({ start: new Date(data.start), end: new Date(data.end) }, connector.sync);
  const variables = { start: String(Math.floor(range.start.getTime() / 1000)), end: String(Math.floor(range.end.getTime() / 1000)) };
  try {
    // One after another: a retried job asks again for those already asked (the spec's response table says
    // what the provider's "already requested" answer means).
    for (const request of requests) {
      const answer = await session.send(request, variables);
      log.info({ status: answer.status, dataType: data.dataType, request: request.path }, "provider asked to push the history of a new connection");
    }
  } catch (error) {
    if (!isAccessLost(error)) throw error;
    return { records: 0, quarantined: 0, payloads: 0, accessLost: await reportAccessLost(ctx, user, error, log) };
  }
  return { records: 0, quarantined: 0, payloads: 0, backfillRequested: true };
}
