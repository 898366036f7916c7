import type { JobsOptions, Queue } from "bullmq";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { createDeliveryBodies } from "../queue/delivery-bodies.ts";
import { jobId } from "../queue/job-id.ts";
import type { ProducerQueues } from "../queue/producer-queues.ts";
import { Queues, type DeadDeliveryData, type DeliverJobData } from "../queue/topology.ts";
import type { StateStore } from "../state/index.ts";
import type { DeadLetter } from "../state/index.ts";
import { deliveryBodyTtlSeconds } from "../runtime/delivery-bodies.ts";
import type { DeliveryPolicy } from "../runtime/delivery-policy.ts";

export type ReplayOutcome =
  | { status: "replayed"; id: number; queue: string; jobId: string }
  | { status: "not_found"; id: number }
  | { status: "already_replayed"; id: number; replayedAt: string | null };

export interface ReplayDeadLetterDeps {
  store: Pick<StateStore, "getDeadLetter" | "openDeadLetterJob" | "markReplayed">;
  /** Producer queues (HTTP, CLI) and their Redis, where a replayed delivery's payload is stored again. */
  queues: Pick<ProducerQueues, "pull" | "ingest" | "deliverTo" | "prefix" | "redis">;
  /** The retry budget of a replayed delivery, and how long its stored payload is kept. */
  policy: DeliveryPolicy;
}

/**
 * Put a dead letter's job back on its queue, from the job data stored with it, as a fresh job with the
 * full delivery retry budget. The job id is derived from the dead letter, so two operators replaying
 * the same one at once add one job; `markReplayed` then decides which of them reports success.
 */
export async function replayDeadLetter(deps: ReplayDeadLetterDeps, id: number): Promise<ReplayOutcome> {
  const letter = await deps.store.getDeadLetter(id);
  if (!letter) return { status: "not_found", id };
  if (letter.replayed_at !== null) return { status: "already_replayed", id, replayedAt: letter.replayed_at };

  const queue = queueNamed(deps.queues, letter.queue, letter.destination);
  if (!queue) {
    throw new UserError(ErrorCodes.DEAD_LETTER_INVALID, `Dead letter ${id} comes from an unknown queue "${letter.queue}"`, {
      hint: `Only jobs of the ${Object.values(Queues).join(", ")} queues can be replayed.`,
    });
  }
  const replayJobId = jobId("replay", letter.id);
  const opts: JobsOptions =
    letter.queue === Queues.deliver ? { jobId: replayJobId, attempts: deps.policy.attempts, backoff: { type: "delivery" } } : { jobId: replayJobId };
  // What was scrubbed from the shown job data (a ping's callback URL token) may be needed again: the original.
  const original = await deps.store.openDeadLetterJob(id);
  const job = { ...letter, job_data: original ?? letter.job_data };
  const data = letter.queue === Queues.deliver ? await storeDeliveryBody(deps, queue, job, replayJobId) : job.job_data;
  await queue.add(letter.job_name, data, opts);
  if (!(await deps.store.markReplayed(id))) {
    const now = await deps.store.getDeadLetter(id);
    return { status: "already_replayed", id, replayedAt: now?.replayed_at ?? null };
  }
  return { status: "replayed", id, queue: letter.queue, jobId: replayJobId };
}

/**
 * A dead delivery carries its payload (its stored body was released when it died): stored again, for its
 * one destination, under the replay's own id, as every deliver job points at its payload.
 */
async function storeDeliveryBody(deps: ReplayDeadLetterDeps, queue: Queue, letter: DeadLetter, ref: string): Promise<DeliverJobData> {
  const { payloadJson, ...data } = letter.job_data as DeadDeliveryData;
  if (payloadJson === undefined) return data;
  // The queues share this connection; a producer's refuses commands until it is up.
  await queue.waitUntilReady();
  const bodies = createDeliveryBodies(deps.queues.redis, deps.queues.prefix, deliveryBodyTtlSeconds(deps));
  await bodies.put(ref, payloadJson, [data.destination]);
  return { ...data, bodyRef: ref };
}

function queueNamed(queues: ReplayDeadLetterDeps["queues"], name: string, destination: string | null): Queue | undefined {
  if (name === Queues.deliver) return destination ? (queues.deliverTo(destination) as unknown as Queue) : undefined;
  if (name === Queues.pull) return queues.pull as unknown as Queue;
  if (name === Queues.ingest) return queues.ingest as unknown as Queue;
  return undefined;
}
