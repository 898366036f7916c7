import type { Logger } from "../log/logger.ts";

/** One webhook-shaped payload to deliver: the Terra envelope exactly as it goes on the wire. */
export interface Delivery {
  payload: DeliveryPayload;
  /** Unique per payload, stable across retries: the receiver's dedupe key (`X-Terra-Trace-Id`). */
  traceId: string;
  /** Correlates a data request with all its payloads (`terra-reference`). */
  reference?: string;
  /** Unix ms when the payload was first emitted; unchanged across retries (`X-Terra-Ordering-Timestamp`). */
  orderingTimestamp: number;
  /**
   * `payload` already serialized (UTF-8 JSON; bytes as Redis returns them, or a string), when
   * the runtime has it: destinations that send JSON use it as is.
   */
  body?: string | Buffer;
  /**
   * Sent without records in place of a payload of this many records that a large request counted (its user
   * paused or disconnected): a destination that makes several messages of one payload (`referencedMessages`)
   * makes as many of this one, so the app's count of the reference still closes.
   */
  standsInFor?: number;
}

/** The Terra webhook envelope: `type` plus whatever that event type carries. */
export interface DeliveryPayload {
  type: string;
  [field: string]: unknown;
}

export interface WriteOptions {
  /**
   * Aborted when Tributary gives up on the write: its timeout passed, or the turn of a merged record's
   * version to be written was lost. A write that goes on regardless keeps that record's next version
   * waiting until it settles.
   */
  signal?: AbortSignal;
}

/** The user a delete (deauth, erasure) is about. */
export interface DestinationUser {
  user_id: string;
  provider: string;
  reference_id?: string | null;
}

/**
 * A live destination. Every method may be called before any connection was made (connect lazily) and
 * `close()` may be called any number of times.
 */
export interface Destination {
  /** The instance name from the operator's config, e.g. "warehouse". */
  readonly name: string;
  /** The plugin that built it, e.g. "sql". */
  readonly type: string;
  /**
   * Deliver payloads; idempotent: writing the same natural key twice leaves one record (the newer, by
   * `orderingTimestamp`). A destination that can stop a write under way does so when `options.signal` is
   * aborted, rejecting with its reason.
   */
  write(batch: readonly Delivery[], options?: WriteOptions): Promise<void>;
  /**
   * How many messages carrying the payload's reference (`terra-reference`) this destination makes of one
   * payload of `type` with `records` records: what an app counting a large request's payloads sees, and so
   * the `expected_payloads` announced to this destination. Without it: one per payload.
   */
  referencedMessages?(type: string, records: number): number;
  /** Erase everything this destination holds for a user (deauth, erasure request). */
  delete(user: DestinationUser): Promise<void>;
  /**
   * Throws a TributaryError saying what is wrong when the destination cannot be used. Without `write` it
   * changes nothing (connect, authenticate, see that the target exists); with `write` it may also create
   * what deliveries need (tables, indexes) and send a test delivery (`tributary check --write-test`).
   */
  check(options?: DestinationCheckOptions): Promise<void>;
  close(): Promise<void>;
}

export interface DestinationCheckOptions {
  /** @default false */
  write?: boolean;
}

/**
 * How a destination receives activity events (every other event is Terra JSON whatever the format):
 * `terra` the Terra Standard JSON payload, `fit` one FIT activity file per activity, `both` the two.
 */
export type DeliveryFormat = "terra" | "fit" | "both";
export const DELIVERY_FORMATS: readonly DeliveryFormat[] = ["terra", "fit", "both"];

export interface DestinationContext {
  /** Instance name from the operator's config. */
  name: string;
  /** The operator's `format` for this destination, one of its plugin's `formats`. @default "terra" */
  format?: DeliveryFormat;
  log: Logger;
  /** Other configured destinations by instance name (e.g. the S3 one holding oversized payloads). */
  lookup(name: string): Destination | undefined;
}

/** A destination plugin: validated options in, a destination out. */
export interface DestinationPlugin<Options = Record<string, unknown>> {
  kind: "destination";
  /** kebab-case plugin name the config refers to: "webhook", "sql", "s3". */
  name: string;
  /** JSON Schema of the options (validated by the config loader before `create`). */
  optionsSchema: Record<string, unknown>;
  /** Option names whose values are secrets: redacted in logs and in `check` output. */
  secretOptions?: readonly string[];
  /** The `format`s this plugin delivers activity events in (DestinationContext.format). @default ["terra"] */
  formats?: readonly DeliveryFormat[];
  create(options: Options, ctx: DestinationContext): Destination;
}

export function defineDestination<Options>(plugin: Omit<DestinationPlugin<Options>, "kind">): DestinationPlugin<Options> {
  return { kind: "destination", ...plugin };
}
