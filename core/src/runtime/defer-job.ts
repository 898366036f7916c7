import { DelayedError, type Job } from "bullmq";

/**
 * Put the running job back to sleep for `delayMs` without spending one of its attempts (BullMQ's
 * manual-delay pattern): waiting for a rate budget is not a failure. Needs the worker's lock token.
 */
export async function deferJob(job: Job, token: string, delayMs: number): Promise<never> {
  // A little jitter so jobs parked on the same budget do not all wake in the same millisecond.
  const jitter = Math.floor(Math.random() * Math.min(250, delayMs * 0.1 + 1));
  await job.moveToDelayed(Date.now() + delayMs + jitter, token);
  throw new DelayedError();
}
