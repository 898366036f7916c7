import type { AuthSpec, DataType } from "@tributary/schemas";
import type { DateRange } from "../contracts/data-types.ts";
import type { Logger } from "../log/logger.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import type { Normalized } from "../runtime/normalize.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import type { HookConnection, ProviderRecord } from "../spec/hooks.ts";
import type { CursorRepository } from "../state/cursors.ts";
import type { StreamPosition, StreamStats } from "../streams/read-stream.ts";
import type { OnStaleDates } from "../streams/mapped-offsets.ts";
import type { ConnectorSync } from "./connector-sync.ts";

/**
 * A connector as the runtime runs it: compiled once from its plugin definition (spec + hooks), with its
 * mappings compiled and its sync settings resolved. Everything that pulls, maps, schedules or lists
 * providers uses this; the definition stays reachable for what executes the spec's other parts (the
 * webhook ingress).
 */
export interface RuntimeConnector {
  readonly kind: "connector";
  /** The provider as Terra spells it: "SANDBOX", "INSIDERS". */
  readonly name: string;
  readonly displayName: string;
  /** An https URL or an SVG data URL (a file icon is inlined), shown on the connect page. */
  readonly icon?: string;
  readonly auth: AuthSpec;
  /** The plugin's own definition: spec, hooks, folder. */
  readonly definition: ConnectorDefinition;
  /** Every data type the connector serves. */
  readonly dataTypes: readonly DataType[];
  /** Data types a pull can read (a stream declares them); push-only types are not among them. */
  readonly pullTypes: readonly DataType[];
  /** Data types the webhook delivers (records carried in a push, or a pull it triggers). */
  readonly pushTypes: readonly DataType[];
  /** The spec's sync settings with their defaults; `effectiveSync` applies the operator's overrides. */
  readonly sync: ConnectorSync;
  canPull(dataType: string): dataType is DataType;
  /**
   * One data type of one connection over a window: each stream of that type read (its read hook, or its
   * request through the provider session: paging, details, checkpoints), mapped and validated a slice
   * at a time as records arrive. Checkpoints move only once the slice holding a stream's last record
   * has been taken by the consumer (handed on to the pipeline). A wait (RateLimitedError) ends the read
   * after one more slice: the records read before it, with the exact position to continue from.
   */
  read(dataType: DataType, ctx: ConnectorReadContext): AsyncIterable<NormalizedSlice>;
  /**
   * Provider records (pulled or pushed) through the data type's mapping or map hook, then validated;
   * records of a stream (`ctx.stream`) go through its transform hook first.
   */
  normalize(dataType: DataType, records: Iterable<ProviderRecord>, ctx: ConnectorMapContext, mappingName?: string): Promise<Normalized>;
}

export interface ConnectorMapContext {
  connection: HookConnection;
  withSamples: boolean;
  /** providers.<NAME>.options as configured (the spec's defaults fill the rest). */
  options?: Readonly<Record<string, unknown>> | undefined;
  log: Logger;
  /** The stream whose records these are (pulled, or fetched by its object request): its transform hook runs first. Absent for records a push carries. */
  stream?: string;
}

export interface ConnectorReadContext extends Omit<ConnectorMapContext, "stream"> {
  range: DateRange;
  signal: AbortSignal;
  /** The connection's provider session (credentials, rate budget, response table); needed by HTTP streams and hooks that send. */
  session?: ProviderSession | undefined;
  /** Where stream checkpoints live; without it none is read or kept. */
  cursors?: CursorRepository | undefined;
  /**
   * A poll or a reconciliation: read the data type's transaction streams (what is new since the last
   * commit) where it has any, instead of its other streams; every other read (backfill, request, a pushed
   * window) reads the other streams only. A transaction is committed when the consumer asks for the slice
   * after its `settle` slice. @default false
   */
  transactions?: boolean;
  /** A read of what is new (a poll, a reconciliation): a stream's `within.arrived` counts as well. @default false */
  recent?: boolean;
  /** "use": start a poll at the stored checkpoint (minus lookback) when later than the window's start. @default "ignore" */
  checkpoint?: "use" | "ignore";
  /** Continue interrupted stream reads (by stream name) from where they were. */
  resume?: Readonly<Record<string, StreamPosition>> | undefined;
  /** Provider records mapped at a time. @default 25 */
  sliceSize?: number;
  /** Bytes of provider answers after which a slice is mapped with fewer records (records with large details). @default 1 MiB */
  sliceBytes?: number;
  /** When the read is made: windows are clamped to the provider's history as of then (a replay of recordings). @default now */
  now?: (() => number) | undefined;
  /** Dates whose records were mapped at offsets the connection now decides otherwise: read them again (the runtime queues pulls). */
  onStaleDates?: OnStaleDates | undefined;
}

/** Records of one stream, mapped and validated, and where the stream's read is after them. */
export interface NormalizedSlice extends Normalized {
  stream: string;
  /** Where the stream's read stands once this slice is published (HTTP streams only). */
  position?: StreamPosition | undefined;
  /**
   * The last slice of a transaction: before asking for the next slice, the consumer makes every record it
   * took so far durable (stored, deliveries enqueued) — the reader then commits the transaction, after
   * which the provider will not offer its items again.
   */
  settle?: true;
  /** Set on a stream's last slice. */
  stats?: StreamStats | undefined;
}
