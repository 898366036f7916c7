import { DATA_EVENT_TYPES, eventKey, payloadRecords, type Delivery } from "@tributary/core/contracts";
import type { Document } from "mongodb";
import { EVENTS_COLLECTION } from "./collections.ts";

/** Stamped on every stored document: where it came from and how recent it is (the newer-wins guard reads it). */
export interface TributaryStamp {
  trace_id: string;
  ordering_ts: number;
  updated_at: Date;
  reference?: string;
}

export interface StoredDocument extends Document {
  _id: { user_id: string; key: string };
  _tributary: TributaryStamp;
}

/** One document to upsert, and the collection (unprefixed) it belongs in. */
export interface PendingDocument {
  collection: string;
  document: StoredDocument;
}

// Fields this destination owns: a record that happened to carry them must not override the key or stamp.
function withoutReserved(fields: Record<string, unknown>): Record<string, unknown> {
  const { _id: _ignoredId, _tributary: _ignoredStamp, ...rest } = fields;
  return rest;
}

/**
 * The documents a delivery turns into: one per data record (activity, daily, …, athlete), `_id` from the
 * natural key, the record's own fields with the payload's `user` beside them; a lifecycle event becomes
 * one `user_events` document holding the whole payload.
 */
export function documentsFor(delivery: Delivery, updatedAt: Date): PendingDocument[] {
  const { payload } = delivery;
  const stamp: TributaryStamp = {
    trace_id: delivery.traceId,
    ordering_ts: delivery.orderingTimestamp,
    updated_at: updatedAt,
    ...(delivery.reference ? { reference: delivery.reference } : {}),
  };
  if (DATA_EVENT_TYPES.has(payload.type)) {
    return payloadRecords(payload).map(({ record, key }) => ({
      collection: payload.type,
      document: { _id: { user_id: key.userId, key: key.key }, ...withoutReserved(record), user: payload.user, _tributary: stamp },
    }));
  }
  const key = eventKey(payload, delivery.orderingTimestamp);
  // user_reauth carries new_user/old_user instead of user: file it under the new one, like the key does.
  const user = payload.user ?? payload.new_user;
  return [
    {
      collection: EVENTS_COLLECTION,
      document: {
        _id: { user_id: key.userId, key: key.key },
        ...withoutReserved(payload),
        ...(user ? { user } : {}),
        event_time: key.startTime,
        _tributary: stamp,
      },
    },
  ];
}
