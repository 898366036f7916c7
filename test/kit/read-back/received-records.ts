import { payloadRecords, type DeliveryPayload } from "@tributary/core/contracts";
import type { StoredRecord } from "../destination-conformance.ts";

export interface ReceivedRecords {
  /** One per natural key: the record of the last payload that carried it. */
  records: StoredRecord[];
  /** Record arrivals beyond the first per natural key (redeliveries, re-sent days). */
  duplicates: number;
}

/**
 * What a consumer of pushed payloads (a webhook receiver, a queue reader) holds for a user when it upserts
 * by natural key, as Terra tells its customers to: later arrivals replace earlier ones.
 */
export function receivedRecords(payloads: Iterable<DeliveryPayload>, userId: string): ReceivedRecords {
  const latest = new Map<string, StoredRecord>();
  let arrivals = 0;
  for (const payload of payloads) {
    for (const { record, key } of payloadRecords(payload)) {
      if (key.userId !== userId) continue;
      arrivals += 1;
      latest.set(`${key.type}/${key.key}`, { type: key.type, key: key.key, record });
    }
  }
  return { records: [...latest.values()], duplicates: arrivals - latest.size };
}
