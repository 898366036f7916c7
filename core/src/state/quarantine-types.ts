import type { SecretPolicy } from "../redaction/index.ts";

/** One validation failure, e.g. `{ path: "/metadata/start_time", rule: "format", message: "…" }`. */
export interface QuarantineIssue {
  path: string;
  rule: string;
  message: string;
}

export interface QuarantineRecordInput {
  /**
   * Secrets of the provider's traffic beyond the generic rule (a connector's names, the push secret):
   * `record`, `raw` and `issues` are stored scrubbed, never with a secret in clear.
   */
  secrets?: SecretPolicy;
  userId?: string | null;
  provider?: string | null;
  dataType?: string | null;
  /** The normalized record that failed validation. */
  record?: unknown;
  /** The provider payload it was made from, to reproduce the mapping bug. */
  raw?: unknown;
  issues: readonly QuarantineIssue[];
  traceId?: string | null;
}

export interface QuarantinedRecord {
  id: number;
  user_id: string | null;
  provider: string | null;
  data_type: string | null;
  record: unknown;
  raw: unknown;
  issues: QuarantineIssue[];
  trace_id: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface QuarantineFilter {
  userId?: string;
  dataType?: string;
  provider?: string;
  /** @default false */
  includeResolved?: boolean;
}

/** What `purgeQuarantine` deletes: the given ids, or everything matching the rest (all of them must hold). */
export interface PurgeQuarantineFilter {
  ids?: readonly number[];
  /** Only entries already resolved (released). */
  resolvedOnly?: boolean;
  /** Only entries quarantined before this time (ISO 8601). */
  before?: string;
}

export interface ListQuarantineFilter extends QuarantineFilter {
  /** @default 100, at most 1000 */
  limit?: number;
}
