import { createHash } from "node:crypto";
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import { payloadUserId, type Delivery, type DeliveryPayload } from "@tributary/core/contracts";

/** One SQS message ready to send, with its size as SQS counts it. */
export interface OutgoingMessage {
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  /** FIFO only: the ordering lane. */
  groupId?: string;
  /** FIFO only: SQS drops a second message with this id for 5 minutes. */
  deduplicationId?: string;
  /** Body plus attribute names, types and values: what SQS holds against its size limit. */
  bytes: number;
}

/** Lifecycle events without a user (healthcheck) still need a FIFO message group. */
export const NO_USER_GROUP = "tributary";

const string = (value: string): MessageAttributeValue => ({ DataType: "String", StringValue: value });

function providerOf(payload: DeliveryPayload): string | undefined {
  const user = (payload.user ?? payload.new_user) as { provider?: unknown } | undefined;
  return typeof user?.provider === "string" && user.provider.length > 0 ? user.provider : undefined;
}

/**
 * Attributes a consumer can route or filter on without parsing the body. `type` is always the payload's own
 * type, also when the body is an `s3_payload` pointer to it.
 */
export function messageAttributes(delivery: Delivery): Record<string, MessageAttributeValue> {
  const userId = payloadUserId(delivery.payload);
  const provider = providerOf(delivery.payload);
  return {
    type: string(delivery.payload.type),
    ...(userId ? { user_id: string(userId) } : {}),
    ...(provider ? { provider: string(provider) } : {}),
    trace_id: string(delivery.traceId),
    ordering_timestamp: { DataType: "Number", StringValue: String(delivery.orderingTimestamp) },
    ...(delivery.reference ? { reference: string(delivery.reference) } : {}),
  };
}

/** SQS refuses U+FFFE and U+FFFF in a body; JSON can carry them escaped. */
export function messageBody(value: unknown): string {
  return JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

export function messageBytes(body: string, attributes: Record<string, MessageAttributeValue>): number {
  let bytes = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? "") + Buffer.byteLength(value.StringValue ?? "");
  }
  return bytes;
}

/**
 * FIFO fields: one group per user keeps each user's payloads in order while users proceed in parallel; the
 * trace id (stable across retries) as deduplication id makes a retried delivery a duplicate SQS drops.
 * Deduplication ids allow 128 printable ASCII characters: a longer or exotic trace id is hashed.
 */
export function fifoFields(delivery: Delivery): { groupId: string; deduplicationId: string } {
  const traceId = delivery.traceId;
  const deduplicationId = /^[!-~]{1,128}$/.test(traceId) ? traceId : createHash("sha256").update(traceId).digest("hex");
  const userId = payloadUserId(delivery.payload);
  const groupId = userId && /^[!-~]{1,128}$/.test(userId) ? userId : userId ? createHash("sha256").update(userId).digest("hex") : NO_USER_GROUP;
  return { groupId, deduplicationId };
}
