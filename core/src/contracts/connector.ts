import type { AuthSpec } from "./auth.ts";
import type { DataType, DateRange, StandardRecord } from "./data-types.ts";
import type { WebhookSpec } from "./webhook.ts";
import type { Logger } from "../log/logger.ts";

/**
 * A connector: everything Tributary needs to know about one provider. Declarative first — auth, pulls and
 * the webhook mapping are data — with functions only where a spec cannot say it (`read`, `map`).
 */
export interface ConnectorDefinition {
  kind: "connector";
  /** The provider enum as Terra spells it, SCREAMING_CASE: "PELOTON", "SANDBOX". */
  name: string;
  displayName: string;
  icon?: string;
  auth: AuthSpec;
  /** One entry per supported data type. */
  pull: Partial<Record<DataType, PullSpec>>;
  webhook?: WebhookSpec;
  /** Days pulled when a user connects. @default 28 */
  backfillDays?: number;
  /**
   * Polling interval in seconds for providers that do not push; for push providers the runtime still
   * schedules a daily reconciliation pull. Omit for push-only providers.
   */
  pollIntervalSeconds?: number;
  /** The provider's documented limit for one OAuth client (all users together). */
  rateLimit?: { max: number; perSeconds: number };
  /** The furthest back the provider serves history, in days. */
  maxHistoryDays?: number;
}

/**
 * How to fetch and normalize one data type for a date range: either a declarative HTTP request
 * (`request` + `paginate` + `recordsPointer`) or a `read` function, then `map` per provider record.
 */
export interface PullSpec {
  request?: HttpRequestSpec;
  paginate?: PaginationSpec;
  /** JSON pointer to the array of records in a response page. "" = the body itself. */
  recordsPointer?: string;
  /** Escape hatch: produce provider records for the range yourself. */
  read?: (ctx: PullContext) => AsyncIterable<ProviderRecord>;
  /** Provider record → Terra Standard record(s); return [] to skip one. */
  map: (record: ProviderRecord, ctx: MapContext) => StandardRecord | StandardRecord[] | null;
}

export type ProviderRecord = Record<string, unknown>;

export interface HttpRequestSpec {
  method?: "GET" | "POST";
  /** Path below the provider base URL; `{user_id}`-style placeholders come from the connection. */
  path: string;
  baseUrl: string;
  /** Query parameters; values may use `{start_date}`, `{end_date}`, `{start_unix}`, `{end_unix}`, `{provider_user_id}`. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

export type PaginationSpec =
  | { type: "page"; pageParam: string; firstPage?: number; limitParam?: string; limit?: number; totalPagesPointer?: string }
  | { type: "offset"; offsetParam: string; limitParam: string; limit: number }
  | { type: "cursor"; cursorParam: string; nextCursorPointer: string }
  | { type: "link"; nextUrlPointer: string };

export interface ConnectionInfo {
  userId: string;
  provider: string;
  providerUserId?: string | null;
  referenceId?: string | null;
}

export interface PullContext {
  connection: ConnectionInfo;
  dataType: DataType;
  range: DateRange;
  withSamples: boolean;
  /** Decrypted credentials for this connection; undefined for auth `none`. */
  credentials?: Record<string, unknown>;
  signal: AbortSignal;
  log: Logger;
}

export interface MapContext {
  connection: ConnectionInfo;
  dataType: DataType;
  withSamples: boolean;
}

export function defineConnector(definition: Omit<ConnectorDefinition, "kind">): ConnectorDefinition {
  return { kind: "connector", ...definition };
}

export function supportedDataTypes(connector: ConnectorDefinition): DataType[] {
  return Object.keys(connector.pull) as DataType[];
}
