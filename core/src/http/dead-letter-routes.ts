import type { FastifyInstance } from "fastify";
import { replayDeadLetter } from "../services/replay-dead-letter.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";
import type { DeadLetter } from "../state/index.ts";
import type { ProducerQueues } from "../queue/producer-queues.ts";
import { sendUnavailable, withTimeout } from "./unavailable.ts";

export interface DeadLetterRoutesOptions {
  ctx: RuntimeContext;
  producer: ProducerQueues;
  dependencyTimeoutMs: number;
}

interface ListQuery {
  destination?: string;
  queue?: string;
  limit?: string;
  include_replayed?: string;
}

/** Deliveries that used up their retries: list them, and replay one once its cause is fixed. */
export async function deadLetterRoutes(app: FastifyInstance, options: DeadLetterRoutesOptions): Promise<void> {
  const { ctx, producer, dependencyTimeoutMs } = options;

  app.get("/admin/dead-letters", async (request, reply) => {
    const query = request.query as ListQuery;
    const limit = query.limit === undefined ? undefined : Number(query.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) {
      return reply.code(400).send({ status: "error", message: "limit must be an integer from 1 to 1000" });
    }
    const letters = await ctx.store.listDeadLetters({
      ...(query.destination ? { destination: query.destination } : {}),
      ...(query.queue ? { queue: query.queue } : {}),
      ...(limit !== undefined ? { limit } : {}),
      includeReplayed: query.include_replayed === "true",
    });
    return { status: "ok", dead_letters: letters.map(summary) };
  });

  app.post("/admin/dead-letters/:id/replay", async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id < 1) return reply.code(400).send({ status: "error", message: "id must be a positive integer" });
    let outcome: Awaited<ReturnType<typeof replayDeadLetter>>;
    try {
      outcome = await withTimeout(replayDeadLetter({ store: ctx.store, queues: producer, policy: ctx.policy }, id), dependencyTimeoutMs, "redis");
    } catch (error) {
      if ((error as { errorClass?: string }).errorClass === "user") throw error;
      request.log.warn({ deadLetter: id, err: (error as Error).message }, "dead-letter replay failed: dependency unavailable");
      return sendUnavailable(reply);
    }
    if (outcome.status === "not_found") return reply.code(404).send({ status: "error", message: `no dead letter ${id}` });
    if (outcome.status === "already_replayed") {
      return reply.code(409).send({ status: "error", message: `dead letter ${id} was already replayed`, replayed_at: outcome.replayedAt });
    }
    request.log.info({ deadLetter: id, queue: outcome.queue, jobId: outcome.jobId }, "dead letter replayed");
    return { status: "replayed", id, queue: outcome.queue, job_id: outcome.jobId };
  });
}

/** Everything but the job data, which carries the user's payload. */
function summary(letter: DeadLetter) {
  const { job_data: _jobData, ...rest } = letter;
  return rest;
}
