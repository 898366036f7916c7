import type { DataType } from "./data-types.ts";
import type { WebhookRequest } from "../ingress/webhook-request.ts";

/**
 * How a provider's push webhook is verified and mapped. Plain data first; `verify` and `parse` accept a
 * function as the escape hatch for schemes a spec cannot describe.
 */
export interface WebhookSpec {
  verify: SignatureSpec | VerifyFunction;
  /** JSON pointer to the provider's id of the user the notification is about, e.g. "/owner_id". */
  userIdPointer: string;
  /** JSON pointer to the event/notification type. Omit when the provider sends one kind only. */
  eventTypePointer?: string;
  /** Event type (the value at `eventTypePointer`, or "*" for all) → what to do with it. */
  events: Record<string, WebhookEventMapping>;
  /** Subscription handshake (e.g. Strava's hub.challenge echo), answered on GET. */
  challenge?: ChallengeSpec;
  /** JSON pointer to an array when one request carries several notifications. */
  batchPointer?: string;
}

export type WebhookEventMapping =
  /** A notification without data: pull the notified window. */
  | { kind: "ping"; dataType: DataType; startPointer?: string; endPointer?: string }
  /** The notification carries the provider records themselves. */
  | { kind: "push"; dataType: DataType; recordsPointer: string }
  /** Acknowledge and do nothing (e.g. a delete we do not propagate yet). */
  | { kind: "ignore" };

export interface SignatureSpec {
  /**
   * - `timestamped-hmac`: header `t=<unix>,v1=<hex>` over `"<t>." + raw body` (Terra's own scheme);
   * - `hmac`: a digest of the raw body alone.
   */
  scheme: "timestamped-hmac" | "hmac";
  header: string;
  algorithm?: "sha256" | "sha1";
  /** @default "hex" */
  encoding?: "hex" | "base64";
  /** Text before the digest in the header, e.g. "sha256=". */
  prefix?: string;
  /** Reject timestamps further than this from now (timestamped schemes only). @default 300 */
  toleranceSeconds?: number;
}

export type { WebhookRequest } from "../ingress/webhook-request.ts";

/**
 * A scheme no `SignatureSpec` describes. Return what was verified: `signedAt` (unix seconds) when the
 * provider signs a timestamp, so a replay is refused until it leaves `toleranceSeconds`.
 */
export type VerifyFunction = (request: WebhookRequest, secret: string) => boolean | VerifyFunctionResult;

export type VerifyFunctionResult = { ok: true; signedAt?: number; toleranceSeconds?: number } | { ok: false; reason: string };

export interface ChallengeSpec {
  /** Query parameter the provider sends the challenge in, e.g. "hub.challenge". */
  queryParam: string;
  /** Query parameter carrying our verify token, checked when present. */
  verifyTokenParam?: string;
  /** Response body shape: echo as JSON `{ [responseField]: challenge }` or as plain text. */
  responseField?: string;
}
