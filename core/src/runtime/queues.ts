import { Queue, type ConnectionOptions } from "bullmq";
import { Queues, type DeliverJobData, type IngestJobData, type PullJobData } from "../queue/topology.ts";

export interface RuntimeQueues {
  prefix: string;
  pull: Queue<PullJobData>;
  ingest: Queue<IngestJobData>;
  deliver: Queue<DeliverJobData>;
  close(): Promise<void>;
}

/**
 * Completed jobs are trimmed (the deliveries table is the audit trail) so Redis memory stays flat under
 * load; failed ones are kept a week for the dashboard.
 */
const retention = { removeOnComplete: { count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } };

export function createQueues(connection: ConnectionOptions, prefix: string): RuntimeQueues {
  const pull = new Queue<PullJobData>(Queues.pull, { connection, prefix, defaultJobOptions: { ...retention, attempts: 5, backoff: { type: "exponential", delay: 5000 } } });
  const ingest = new Queue<IngestJobData>(Queues.ingest, { connection, prefix, defaultJobOptions: { ...retention, attempts: 5, backoff: { type: "exponential", delay: 1000 } } });
  const deliver = new Queue<DeliverJobData>(Queues.deliver, { connection, prefix, defaultJobOptions: retention });
  let closed: Promise<void> | undefined;
  return {
    prefix,
    pull,
    ingest,
    deliver,
    close: () => (closed ??= Promise.all([pull.close(), ingest.close(), deliver.close()]).then(() => undefined)),
  };
}
