import { Queue, type ConnectionOptions } from "bullmq";
import { queueKeyPrefix } from "./redis-keys.ts";
import { deliverQueueName, Queues, type DeliverJobData, type IngestJobData, type PullQueueJobData } from "./topology.ts";

export interface RuntimeQueues {
  /** The deployment's key prefix; each queue's BullMQ prefix is `queueKeyPrefix(prefix, name)`. */
  prefix: string;
  pull: Queue<PullQueueJobData>;
  ingest: Queue<IngestJobData>;
  /** The delivery queue of one destination (created on first use). */
  deliverTo(destination: string): Queue<DeliverJobData>;
  /** Every queue opened so far: pull, ingest and each destination's. */
  all(): Queue[];
  close(): Promise<void>;
}

/**
 * Completed jobs are trimmed (the deliveries table is the audit trail) so Redis memory stays flat under
 * load; failed ones are kept a week for the dashboard (their data scrubbed once dead-lettered).
 */
const retention = { removeOnComplete: { count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } };
/** An ingest job holds raw pushes (tokens, a ping's callback URL): gone from Redis once handled. */
const ingestRetention = { ...retention, removeOnComplete: true };

export function createQueues(connection: ConnectionOptions, prefix: string, destinations: Iterable<string> = []): RuntimeQueues {
  const pull = quiet(
    new Queue<PullQueueJobData>(Queues.pull, {
      connection,
      prefix: queueKeyPrefix(prefix, Queues.pull),
      defaultJobOptions: { ...retention, attempts: 5, backoff: { type: "exponential", delay: 5000 } },
    }),
  );
  const ingest = quiet(
    new Queue<IngestJobData>(Queues.ingest, {
      connection,
      prefix: queueKeyPrefix(prefix, Queues.ingest),
      defaultJobOptions: { ...ingestRetention, attempts: 5, backoff: { type: "exponential", delay: 1000 } },
    }),
  );
  const deliver = new Map<string, Queue<DeliverJobData>>();
  const deliverTo = (destination: string) => {
    let queue = deliver.get(destination);
    if (!queue) {
      const name = deliverQueueName(destination);
      queue = quiet(new Queue<DeliverJobData>(name, { connection, prefix: queueKeyPrefix(prefix, name), defaultJobOptions: retention }));
      deliver.set(destination, queue);
    }
    return queue;
  };
  for (const destination of destinations) deliverTo(destination);
  let closed: Promise<void> | undefined;
  const all = () => [pull, ingest, ...deliver.values()] as Queue[];
  return {
    prefix,
    pull,
    ingest,
    deliverTo,
    all,
    close: () => (closed ??= Promise.all(all().map((q) => q.close())).then(() => undefined)),
  };
}

/**
 * A queue's "error" event repeats what the command that met the error rejects with, and the connection's
 * own listener reports an outage; without a listener BullMQ prints a stack trace per reconnect attempt.
 */
function quiet<Q extends Queue>(queue: Q): Q {
  queue.on("error", () => undefined);
  return queue;
}
