import type { RuntimeQueues } from "../queue/queues.ts";

export interface BackfillStep {
  jobId: string;
  /** "<PROVIDER>:<dataType>". */
  name: string;
  state: "waiting" | "active" | "completed" | "failed" | "unknown";
  records?: number;
  quarantined?: number;
  error?: string;
}

/** Where each backfill pull stands (from the jobs' state and the progress their processors report). */
export async function backfillProgress(queues: RuntimeQueues, jobIds: readonly string[]): Promise<BackfillStep[]> {
  return Promise.all(
    jobIds.map(async (jobId): Promise<BackfillStep> => {
      const job = await queues.pull.getJob(jobId);
      if (!job) return { jobId, name: "?", state: "unknown" };
      const raw = await job.getState();
      const state = raw === "completed" || raw === "failed" || raw === "active" ? raw : raw === "unknown" ? "unknown" : "waiting";
      const progress = (typeof job.progress === "object" ? job.progress : {}) as { records?: number; quarantined?: number };
      return {
        jobId,
        name: job.name,
        state,
        ...(progress.records !== undefined ? { records: progress.records } : {}),
        ...(progress.quarantined !== undefined ? { quarantined: progress.quarantined } : {}),
        ...(state === "failed" ? { error: job.failedReason } : {}),
      };
    }),
  );
}

/** Poll until every step finished (or `timeoutMs`), reporting each step once when it finishes. */
export async function watchBackfill(
  queues: RuntimeQueues,
  jobIds: readonly string[],
  onFinished: (step: BackfillStep, done: number, total: number) => void,
  { pollMs = 250, timeoutMs = 10 * 60_000 } = {},
): Promise<BackfillStep[]> {
  const reported = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const steps = await backfillProgress(queues, jobIds);
    for (const step of steps) {
      if ((step.state === "completed" || step.state === "failed") && !reported.has(step.jobId)) {
        reported.add(step.jobId);
        onFinished(step, reported.size, jobIds.length);
      }
    }
    if (reported.size === jobIds.length || Date.now() > deadline) return steps;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
