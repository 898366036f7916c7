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
 * The JSON text of one data payload built from records already serialized one by one: byte for byte what
 * `JSON.stringify` gives for `{type, user, data, version}` (an athlete payload carries exactly one, as
 * `athlete`). Lets a long pull measure its payloads as it goes and hold only their text.
 */
export function serializedDataPayload(type: string, user: TerraUserObject, serializedRecords: readonly string[]): string {
  const head = `{"type":${JSON.stringify(type)},"user":${JSON.stringify(user)}`;
  const version = `"version":${JSON.stringify(PAYLOAD_VERSION)}}`;
  if (type === "athlete") {
    if (serializedRecords.length !== 1) throw new Error("an athlete payload carries exactly one athlete");
    return `${head},"athlete":${serializedRecords[0]},${version}`;
  }
  return `${head},"data":[${serializedRecords.join(",")}],${version}`;
}

/**
 * Packs serialized records into payloads of at most `maxRecords` records and (unless one record alone is
 * larger) `maxBytes` bytes, in order: `add` answers the records of a payload that is complete, `rest` what
 * is left. Athlete payloads carry one record each. One rule for a push's records and a streamed pull.
 */
export interface PayloadPacker {
  /** Adds a record; returns the records (texts) of the payload this record closed, if it closed one. */
  add(text: string): string[] | undefined;
  /** The records not yet in a payload (and forgets them). */
  rest(): string[];
}

export function createPayloadPacker(type: string, user: TerraUserObject, limits: PayloadLimits): PayloadPacker {
  const maxRecords = type === "athlete" ? 1 : Math.max(1, limits.maxRecords);
  // What a payload costs besides its records: {type, user, data: [], version}.
  const overhead = Buffer.byteLength(serializedDataPayload(type === "athlete" ? "daily" : type, user, []));
  let pending: string[] = [];
  let bytes = overhead;
  return {
    add(text) {
      const length = Buffer.byteLength(text);
      let closed: string[] | undefined;
      // +1: the comma before every record but the first.
      if (pending.length > 0 && (pending.length >= maxRecords || bytes + 1 + length > limits.maxBytes)) {
        closed = pending;
        pending = [];
        bytes = overhead;
      }
      bytes += length + (pending.length > 0 ? 1 : 0);
      pending.push(text);
      return closed;
    },
    rest() {
      const left = pending;
      pending = [];
      bytes = overhead;
      return left;
    },
  };
}

/**
 * Data payloads for one data type, all records at hand: athlete carries one `athlete` object, the others a
 * `data` array, split by the packer's rule — a month of activities with samples is several payloads a
 * receiver's body limit lets in, not one. An empty list gives one empty payload (an answer to a request).
 */
export function dataPayloads(type: string, user: TerraUserObject, records: StandardRecord[], limits: PayloadLimits): SerializedPayload[] {
  const packer = createPayloadPacker(type, user, limits);
  const payloads: SerializedPayload[] = [];
  let first = 0;
  const emit = (texts: string[]) => {
    const slice = records.slice(first, first + texts.length);
    first += texts.length;
    const payload: DeliveryPayload =
      type === "athlete" ? { type, user, athlete: slice[0], version: PAYLOAD_VERSION } : { type, user, data: slice, version: PAYLOAD_VERSION };
    payloads.push({ payload, body: serializedDataPayload(type, user, texts) });
  };
  for (const record of records) {
    const closed = packer.add(JSON.stringify(record));
    if (closed) emit(closed);
  }
  const rest = packer.rest();
  if (rest.length > 0 || (payloads.length === 0 && type !== "athlete")) emit(rest);
  return payloads;
}

export function lifecyclePayload(type: string, fields: Record<string, unknown>): DeliveryPayload {
  return { type, ...fields };
}
