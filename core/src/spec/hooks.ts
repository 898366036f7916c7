import type { RequestSpec } from "@tributary/schemas";
import type { DataType, DateRange, StandardRecord } from "../contracts/data-types.ts";
import type { SchemeResult } from "../ingress/verified-push.ts";
import type { WebhookRequest } from "../ingress/webhook-request.ts";
import type { Logger } from "../log/logger.ts";

/**
 * TypeScript escape hatches of a connector, for what its spec cannot say. Each is keyed by the spec part
 * it serves (a stream's or a mapping's name), and the spec check refuses a hook nothing would call.
 */
export interface ConnectorHooks {
  /** Produce a stream's provider records for a window, instead of its `request` + `paging`. */
  read?: Readonly<Record<string, ReadHook>>;
  /** Provider record → Terra Standard record(s), instead of the declarative mapping of that name. */
  map?: Readonly<Record<string, MapHook>>;
  /** Reshape a stream's records after their detail requests, before mapping. */
  transform?: Readonly<Record<string, TransformHook>>;
  /** Check a push the spec's schemes cannot (webhook.verify.scheme: hook); over the raw bytes, constant-time. */
  verify?: VerifyHook;
}

export const HOOK_KINDS = ["read", "map", "transform", "verify"] as const satisfies readonly (keyof ConnectorHooks)[];

/** A provider record as received (JSON). */
export type ProviderRecord = Record<string, unknown>;

export interface HookConnection {
  userId: string;
  provider: string;
  providerUserId?: string | null;
  referenceId?: string | null;
}

/** A provider answer as a read hook sees it: the body parsed as JSON (text when it is not JSON). */
export interface HookResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: unknown;
}

export interface HookContext {
  connection: HookConnection;
  dataType: DataType;
  /** providers.<NAME>.options, with the spec's defaults applied. */
  options: Readonly<Record<string, string>>;
  withSamples: boolean;
  log: Logger;
}

export interface ReadContext extends HookContext {
  stream: string;
  /** The window to read, [start, end), already clamped and stepped by the stream's dateRange. */
  window: DateRange;
  /**
   * Sends a request through the connector's provider client — credentials, rate budget, the response →
   * action table, retries, allowed origins — with `variables` added to the template scope.
   */
  send(request: RequestSpec, variables?: Readonly<Record<string, unknown>>): Promise<HookResponse>;
  signal: AbortSignal;
}

export interface TransformContext extends HookContext {
  stream: string;
}

export interface MapContext extends HookContext {
  /** The stream the record was pulled by; absent for records carried in a push. */
  stream?: string;
}

export type ReadHook = (ctx: ReadContext) => AsyncIterable<ProviderRecord>;
export type TransformHook = (record: ProviderRecord, ctx: TransformContext) => ProviderRecord | Promise<ProviderRecord>;
/** Return null (or []) to skip the record without quarantining it. */
export type MapHook = (record: ProviderRecord, ctx: MapContext) => StandardRecord | StandardRecord[] | null;
/**
 * True or false, or what was verified: `signedAt` (unix seconds) with `toleranceSeconds` when the provider
 * signs a timestamp, so a replay is refused until the timestamp leaves the tolerance.
 */
export type VerifyHook = (request: WebhookRequest, secret: string) => boolean | SchemeResult;
