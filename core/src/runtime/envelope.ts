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

export function lifecyclePayload(type: string, fields: Record<string, unknown>): DeliveryPayload {
  return { type, ...fields };
}
