import { PAYLOAD_VERSION } from "@tributary/schemas";
import type { DeliveryPayload } from "../contracts/destination.ts";
import type { StandardRecord } from "../contracts/data-types.ts";

/** The `user` object Terra puts in every payload. */
export interface TerraUserObject {
  user_id: string;
  provider: string;
  reference_id: string | null;
  scopes: string | null;
  active: boolean;
  created_at: string | null;
  last_webhook_update: string | null;
}

/** A payload and its JSON, made together so the records are serialized once. */
export interface SerializedPayload {
  payload: DeliveryPayload;
  body: string;
}

/** How much one data payload may carry. */
export interface PayloadLimits {
  maxRecords: number;
  /** Bytes of JSON; a single record larger than this is sent alone. */
  maxBytes: number;
}

/**
 * Data payloads for one data type: athlete carries one `athlete` object, the others a `data` array, split
 * so no payload holds more than `maxRecords` records or (unless one record alone is larger) `maxBytes`
 * bytes — a month of activities with samples is several payloads a receiver's body limit lets in, not one.
 * The common case (everything fits) serializes once; only a split serializes record by record.
 */
export function dataPayloads(type: string, user: TerraUserObject, records: StandardRecord[], limits: PayloadLimits): SerializedPayload[] {
  if (type === "athlete") {
    return records.map((athlete) => serialized({ type, user, athlete, version: PAYLOAD_VERSION }));
  }
  if (records.length <= limits.maxRecords) {
    const whole = serialized({ type, user, data: records, version: PAYLOAD_VERSION });
    if (records.length <= 1 || Buffer.byteLength(whole.body) <= limits.maxBytes) return [whole];
  }
  // Same key order as the object above: {type, user, data, version}.
  const head = `{"type":${JSON.stringify(type)},"user":${JSON.stringify(user)},"data":[`;
  const tail = `],"version":${JSON.stringify(PAYLOAD_VERSION)}}`;
  const overhead = Buffer.byteLength(head) + Buffer.byteLength(tail);
  const payloads: SerializedPayload[] = [];
  let texts: string[] = [];
  let slice: StandardRecord[] = [];
  let bytes = overhead;
  const flush = () => {
    payloads.push({ payload: { type, user, data: slice, version: PAYLOAD_VERSION }, body: `${head}${texts.join(",")}${tail}` });
    texts = [];
    slice = [];
    bytes = overhead;
  };
  for (const record of records) {
    const text = JSON.stringify(record);
    const length = Buffer.byteLength(text);
    // +1: the comma before every record but the first.
    if (texts.length > 0 && (texts.length >= limits.maxRecords || bytes + 1 + length > limits.maxBytes)) flush();
    bytes += length + (texts.length > 0 ? 1 : 0);
    texts.push(text);
    slice.push(record);
  }
  if (texts.length > 0) flush();
  return payloads;
}

function serialized(payload: DeliveryPayload): SerializedPayload {
  return { payload, body: JSON.stringify(payload) };
}

export function lifecyclePayload(type: string, fields: Record<string, unknown>): DeliveryPayload {
  return { type, ...fields };
}
