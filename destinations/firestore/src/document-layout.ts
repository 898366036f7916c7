import { DATA_EVENT_TYPES, eventKey, payloadRecords, type Delivery, type RecordKey } from "@tributary/core/contracts";

/** Terra's Firestore layout: `terra/2022-03-16/<type>/<doc>`; the version is a document, types its subcollections. */
export const PAYLOAD_VERSION = "2022-03-16";
/** Lifecycle events (auth, deauth, …) share one subcollection, as in Terra's layout. */
export const EVENTS_COLLECTION = "user_events";
/** Every subcollection a user's documents can be in. */
export const COLLECTIONS = [...DATA_EVENT_TYPES, EVENTS_COLLECTION] as const;

/** One document to write: where, what, and how new it is. */
export interface PlannedDocument {
  collection: string;
  id: string;
  data: Record<string, unknown>;
  orderingTimestamp: number;
}

/** Document ids may hold anything but `/`: escape it, and `%` so ids stay distinct. */
export function documentIdPart(value: string): string {
  return value.replaceAll("%", "%25").replaceAll("/", "%2F");
}

/** `<user_id>-<natural key>` (summary_id, date, or event type + time); athlete: `<user_id>`. */
export function documentId(key: RecordKey): string {
  const user = documentIdPart(key.userId);
  return key.type === "athlete" ? user : `${user}-${documentIdPart(key.key)}`;
}

/**
 * The documents one delivery becomes. Each holds the record (or event) itself, the Terra `user`, a
 * top-level `user_id` (what `delete(user)` queries: one indexed field, no nested path) and `_tributary`
 * bookkeeping: the trace id, the ordering timestamp newer-wins compares, and the natural key.
 */
export function documentsOf(delivery: Delivery): PlannedDocument[] {
  const { payload, traceId, orderingTimestamp } = delivery;
  const bookkeeping = (key: RecordKey) => ({ trace_id: traceId, ordering_ts: orderingTimestamp, key: key.key });
  if (!DATA_EVENT_TYPES.has(payload.type)) {
    const key = eventKey(payload, orderingTimestamp);
    const userId = key.userId === "no-user" ? null : key.userId;
    return [{ collection: EVENTS_COLLECTION, id: documentId(key), data: { ...payload, user_id: userId, _tributary: bookkeeping(key) }, orderingTimestamp }];
  }
  return payloadRecords(payload).map(({ record, key }) => ({
    collection: key.type,
    id: documentId(key),
    data: { ...record, user: payload.user, user_id: key.userId, _tributary: bookkeeping(key) },
    orderingTimestamp,
  }));
}
