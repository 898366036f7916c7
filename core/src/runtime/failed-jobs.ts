import type { Job } from "bullmq";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, operatorMessage } from "../errors/tributary-error.ts";
import {
  deliverQueueName,
  Queues,
  type DeadDeliveryData,
  type DeliverJobData,
  type IngestJobData,
  type PullJobData,
  type PullQueueJobData,
} from "../queue/topology.ts";
import { redactSecrets, type SecretPolicy } from "../redaction/index.ts";
import { deliveryBodies } from "./delivery-bodies.ts";
import { endFailedLargeRequest } from "./large-request-end.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { providerSecretPolicy } from "./secret-policy.ts";

/** BullMQ's reason for a job failed by its stall limit (`maxStalledCount`). */
export const STALLED_OUT_REASON = "job stalled more than allowable limit";
/** What BullMQ records for a job failed by its stall limit (and by a started-attempts limit). */
const STALLED_REASONS = new Set([STALLED_OUT_REASON, "job started more than allowable limit"]);

export type FailedJobOutcome =
  /** Written now, logged and counted. */
  | "dead_lettered"
  /** Another process (or an earlier sweep) wrote its dead letter already. */
  | "already_dead_lettered"
  /** A delivery whose payload reached its destination before the worker running it died: nothing is lost. */
  | "delivered";

/**
 * The one place a job that failed for good ends — on every queue, for every reason (attempts used up,
 * an error retrying cannot fix, stalled past its limit because it kept killing its worker): a dead
 * letter with the reason and what a replay needs, an error log line and `tributary_dead_letters_total`.
 * Idempotent per failure (the job's key), so the worker it failed in and the sweep of failed jobs may
 * both report it. A delivery the audit trail shows delivered is not a loss and gets none.
 */
export async function deadLetterFailedJob(ctx: RuntimeContext, job: Job, error?: Error, options: { sweep?: boolean } = {}): Promise<FailedJobOutcome> {
  const { queue, destination } = queueOf(ctx, job);
  const failure = failureOf(job, error);
  const attempts = Math.max(job.attemptsMade, job.attemptsStarted ?? 0);
  let jobData: unknown = job.data;
  let traceId: string | undefined;
  let secrets: SecretPolicy = {};
  const release = async () => {
    const data = job.data as DeliverJobData;
    if (data.bodyRef) await deliveryBodies(ctx).release(data.bodyRef, data.destination);
  };

  if (queue === Queues.deliver) {
    const data = job.data as DeliverJobData;
    traceId = data.traceId;
    const [audit] = await ctx.store.listDeliveries({ traceId: data.traceId, destination: data.destination, limit: 1 });
    if (audit?.status === "delivered") {
      await release();
      ctx.log[options.sweep ? "debug" : "info"](
        { traceId, destination, jobId: job.id },
        "delivery failed after its payload was delivered (its worker died before recording it); nothing is lost",
      );
      return "delivered";
    }
    // With the payload itself, so a replay does not depend on the body store (released just below).
    const body = data.bodyRef ? await deliveryBodies(ctx).get(data.bodyRef) : undefined;
    if (data.bodyRef && body !== undefined) {
      const { bodyRef: _stored, ...rest } = data;
      jobData = { ...rest, payloadJson: body.toString("utf8") } satisfies DeadDeliveryData;
    }
  } else if (queue === Queues.ingest) {
    const first = (job.data as IngestJobData).notifications?.[0];
    traceId = first?.traceId;
    secrets = providerSecretPolicy(ctx, first?.provider);
  } else {
    traceId = (job.data as Partial<Extract<PullQueueJobData, { traceId: string }>>).traceId;
    secrets = providerSecretPolicy(ctx, (job.data as { provider?: string }).provider);
  }

  const id = await ctx.store.addJobDeadLetter({
    queue,
    destination: destination ?? null,
    traceId: traceId ?? null,
    jobName: job.name,
    jobData,
    error: failure.message,
    errorCode: failure.code ?? null,
    attempts,
    jobKey: failedJobKey(job),
    secrets,
  });
  await scrubFailedJob(ctx, job, secrets);
  if (queue === Queues.deliver) {
    const data = job.data as DeliverJobData;
    await ctx.store.recordDelivery({
      traceId: data.traceId,
      destination: data.destination,
      eventType: data.eventType,
      userId: data.userId,
      reference: data.reference,
      status: "dead",
      attempts,
      error: failure.message,
    });
    await release();
  }
  // A large request's app is told nothing follows (once: a repeat finds that answer stored or delivered).
  if (queue === Queues.pull) await endFailedLargeRequest(ctx, job.data as Partial<PullJobData>);
  if (id === undefined) return "already_dead_lettered";
  ctx.metrics.deadLetters.inc({ queue, destination: destination ?? "" });
  ctx.log.error(
    { queue, destination, jobId: job.id, traceId, attempts, code: failure.code, err: failure.message, deadLetter: id },
    "job failed for good; dead-lettered",
  );
  return "dead_lettered";
}

/**
 * BullMQ keeps a failed job (its raw push, a ping's callback URL) a week for the dashboard: once its dead
 * letter holds what a replay needs (sealed), the copy in Redis keeps only the scrubbed data.
 */
async function scrubFailedJob(ctx: RuntimeContext, job: Job, secrets: SecretPolicy): Promise<void> {
  const shown = redactSecrets(job.data as unknown, secrets);
  if (!shown.changed) return;
  try {
    await job.updateData(shown.value);
  } catch (error) {
    // Removed meanwhile (retention, an operator): nothing of it is left to scrub.
    ctx.log.debug({ jobId: job.id, err: (error as Error).message }, "a failed job's data could not be scrubbed in Redis");
  }
}

/** One failure of one job: a job that is failed, retried by hand and fails again is a new failure. */
export function failedJobKey(job: Job): string {
  return `${job.queueName}:${job.id}:${job.finishedOn ?? job.timestamp}`;
}

/** The queue a job belongs to, as dead letters name it (deliver queues by their destination). */
function queueOf(ctx: RuntimeContext, job: Job): { queue: string; destination?: string } {
  if (job.queueName === Queues.pull || job.queueName === Queues.ingest) return { queue: job.queueName };
  const destination =
    (job.data as Partial<DeliverJobData>).destination ?? [...ctx.destinations.keys()].find((name) => deliverQueueName(name) === job.queueName);
  return { queue: Queues.deliver, ...(destination ? { destination } : {}) };
}

function failureOf(job: Job, error: Error | undefined): { message: string; code?: string } {
  const reason = error ? operatorMessage(error) : (job.failedReason ?? "");
  if (STALLED_REASONS.has(reason)) {
    const times = Math.max(job.stalledCounter ?? 0, 1);
    return {
      code: ErrorCodes.JOB_STALLED,
      message: `${ErrorCodes.JOB_STALLED}: The job stalled ${times} time${times === 1 ? "" : "s"}: the worker running it stopped (killed, out of memory, crashed) before it finished, each time — Look for worker crashes or OOM kills at the times of its attempts; fix the cause (or raise the worker's memory), then replay it.`,
    };
  }
  const code = isTributaryError(error) ? error.code : /\b(ERR_[A-Z_]+):/.exec(reason)?.[1];
  return { message: reason || "the job failed without a reason", ...(code ? { code } : {}) };
}
