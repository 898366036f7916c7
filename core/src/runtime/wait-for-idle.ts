import type { RuntimeQueues } from "../queue/queues.ts";

const BUSY_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children"] as const;

/** Resolve when no queue has pending or running jobs (demo, tests); reject after `timeoutMs`. */
export async function waitForIdle(queues: RuntimeQueues, { timeoutMs = 60_000, pollMs = 100, settleMs = 300 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleSince: number | undefined;
  while (Date.now() < deadline) {
    const counts = await Promise.all(queues.all().map((q) => q.getJobCounts(...BUSY_STATES)));
    const busy = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    if (busy === 0) {
      idleSince ??= Date.now();
      // Idle for a moment: a just-finished job may still be adding its follow-ups.
      if (Date.now() - idleSince >= settleMs) return;
    } else idleSince = undefined;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`queues still busy after ${timeoutMs} ms`);
}
