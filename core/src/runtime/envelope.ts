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

/** Data payloads for one data type: athlete carries one `athlete` object, the others a `data` array. */
export function dataPayloads(type: string, user: TerraUserObject, records: StandardRecord[], chunkSize?: number): DeliveryPayload[] {
  if (type === "athlete") {
    return records.map((athlete) => ({ type, user, athlete, version: PAYLOAD_VERSION }));
  }
  if (!chunkSize || records.length <= chunkSize) return [{ type, user, data: records, version: PAYLOAD_VERSION }];
  const payloads: DeliveryPayload[] = [];
  for (let i = 0; i < records.length; i += chunkSize) {
    payloads.push({ type, user, data: records.slice(i, i + chunkSize), version: PAYLOAD_VERSION });
  }
  return payloads;
}

/**
 * The JSON text of one data payload built from records already serialized one by one: byte for byte what
 * `JSON.stringify` gives for the payload `dataPayloads` makes of them (an athlete payload carries exactly
 * one). Lets a long pull measure its payloads as it goes and hold only their text.
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

export function lifecyclePayload(type: string, fields: Record<string, unknown>): DeliveryPayload {
  return { type, ...fields };
}
