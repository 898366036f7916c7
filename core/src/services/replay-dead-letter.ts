import type { JobsOptions, Queue } from "bullmq";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { jobId } from "../queue/job-id.ts";
import { Queues } from "../queue/topology.ts";
import type { StateStore } from "../state/index.ts";
import type { DeliveryPolicy } from "../runtime/delivery-policy.ts";
import type { RuntimeQueues } from "../queue/queues.ts";

export type ReplayOutcome =
  | { status: "replayed"; id: number; queue: string; jobId: string }
  | { status: "not_found"; id: number }
  | { status: "already_replayed"; id: number; replayedAt: string | null };

export interface ReplayDeadLetterDeps {
  store: Pick<StateStore, "getDeadLetter" | "markReplayed">;
  /** Producer queues (HTTP, CLI) or the runtime's. */
  queues: Pick<RuntimeQueues, "pull" | "ingest" | "deliverTo">;
  policy: Pick<DeliveryPolicy, "attempts">;
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
  await queue.add(letter.job_name, letter.job_data, opts);
  if (!(await deps.store.markReplayed(id))) {
    const now = await deps.store.getDeadLetter(id);
    return { status: "already_replayed", id, replayedAt: now?.replayed_at ?? null };
  }
  return { status: "replayed", id, queue: letter.queue, jobId: replayJobId };
}

function queueNamed(queues: ReplayDeadLetterDeps["queues"], name: string, destination: string | null): Queue | undefined {
  if (name === Queues.deliver) return destination ? (queues.deliverTo(destination) as unknown as Queue) : undefined;
  if (name === Queues.pull) return queues.pull as unknown as Queue;
  if (name === Queues.ingest) return queues.ingest as unknown as Queue;
  return undefined;
}
