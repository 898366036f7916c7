import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { PullJobData } from "../queue/topology.ts";

/**
 * The most a parked pull's saved positions may take (JSON). Stream positions let go of received answers
 * above 256 KiB each (MAX_POSITION_BYTES); what remains is page states and the ids a read has met in
 * its current and previous window step, which only a step of tens of thousands of records fills.
 */
export const MAX_RESUME_BYTES = 1024 * 1024;

/**
 * What a pull parked for a wait saves with its job to continue from, refused when too large to keep in
 * the job (every update of the job rewrites it in Redis).
 */
export function pullResume(
  part: number,
  positions: Record<string, unknown>,
  maxBytes = MAX_RESUME_BYTES,
  published = false,
): NonNullable<PullJobData["resume"]> {
  const resume = { part, positions, ...(published ? { published } : {}) };
  const bytes = Buffer.byteLength(JSON.stringify(resume));
  if (bytes > maxBytes) {
    const streams = Object.entries(positions)
      .map(([name, position]) => `${name} ${Math.round(Buffer.byteLength(JSON.stringify(position)) / 1024)} KiB`)
      .join(", ");
    throw new UserError(
      ErrorCodes.PULL_POSITION_TOO_LARGE,
      `The pull waited for the provider's budget, but where its reads stood takes ${Math.round(bytes / 1024)} KiB (${streams}), more than the ${Math.round(maxBytes / 1024)} KiB a parked job keeps`,
      {
        hint: "A stream's position keeps the ids of the records of its current window step so none is delivered twice: give the stream a smaller dateRange.maxWindowDays, or a larger rate budget so its pulls need not park. Retried, the job reads the window from its start (what was published before the wait is sent again).",
        details: { bytes, maxBytes },
      },
    );
  }
  return resume;
}
