import type { RuntimeContext } from "@tributary/core/runtime";

/**
 * Resolves once the runtime's queues are idle but for a deauth's second erase (a minute later, erase only:
 * it sends nothing), which earlier tests may have left: what a test waits for before it counts deliveries.
 */
export async function settled(ctx: Pick<RuntimeContext, "queues">): Promise<void> {
  const busy = async () => {
    for (const queue of ctx.queues.all()) {
      const counts = await queue.getJobCounts("waiting", "active", "prioritized", "waiting-children");
      if (Object.values(counts).some((n) => n > 0)) return true;
      if ((await queue.getDelayed()).some((job) => !(job.data as { eraseOnly?: boolean }).eraseOnly)) return true;
    }
    return false;
  };
  // Twice, a moment apart: a job that just finished may still be adding its follow-ups.
  for (let quiet = 0; quiet < 2; ) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    quiet = (await busy()) ? 0 : quiet + 1;
  }
}

/**
 * Resolves once no job of the runtime is running: a delivery that passed its checks before a change the
 * test made (a pause, a deauth) has written, or failed, by then — what a test waits for before it lets a
 * refused receiver answer again.
 */
export async function noJobRunning(ctx: Pick<RuntimeContext, "queues">): Promise<void> {
  for (;;) {
    const counts = await Promise.all(ctx.queues.all().map((queue) => queue.getJobCounts("active")));
    if (counts.every((count) => count.active === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
