import type { SecretPolicy } from "../redaction/index.ts";

export interface AddDeadLetterInput {
  /** Queue the job came from; with `jobName` and `jobData` it is everything a replay needs. */
  queue: string;
  jobName: string;
  jobData: unknown;
  destination?: string | null;
  traceId?: string | null;
  error?: string | null;
  /** Stable code of the final error (ERR_…), for grouping. */
  errorCode?: string | null;
  attempts?: number;
  /**
   * Secrets of the provider's traffic beyond the generic rule: `jobData` is stored scrubbed, and when
   * scrubbing changed it the original is kept encrypted for a replay (`openDeadLetterJob`).
   */
  secrets?: SecretPolicy;
}

export interface DeadLetter {
  id: number;
  queue: string;
  destination: string | null;
  trace_id: string | null;
  job_name: string;
  job_data: unknown;
  error: string | null;
  error_code: string | null;
  attempts: number;
  created_at: string;
  replayed_at: string | null;
}

export interface DeadLettersFilter {
  destination?: string;
  queue?: string;
  /** The final error's code, e.g. ERR_DESTINATION_UNAVAILABLE. */
  errorCode?: string;
  /** Dead-lettered at or after this time (ISO 8601). */
  since?: string;
  /** Dead-lettered before this time (ISO 8601). */
  until?: string;
  /** @default false */
  includeReplayed?: boolean;
}

export interface ListDeadLettersFilter extends DeadLettersFilter {
  /** @default 100, at most 1000 */
  limit?: number;
}
