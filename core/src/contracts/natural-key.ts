import type { DeliveryPayload } from "./destination.ts";

const SESSION_TYPES = new Set(["activity", "sleep"]);
const DAY_TYPES = new Set(["daily", "body", "nutrition", "menstruation"]);
export const DATA_EVENT_TYPES = new Set([...SESSION_TYPES, ...DAY_TYPES, "athlete"]);

/** One record's identity inside a payload: replays and retries overwrite instead of duplicating. */
export interface RecordKey {
  /** Payload type: "activity", …, "athlete", or a lifecycle event type. */
  type: string;
  userId: string;
  /** Unique per (type, user); safe to use in ids and object keys. */
  key: string;
  startTime?: string;
  endTime?: string;
}

interface Metadata {
  summary_id?: unknown;
  start_time?: unknown;
  end_time?: unknown;
}

function metadataOf(record: unknown): Metadata {
  const metadata = (record as { metadata?: unknown } | null)?.metadata;
  return metadata && typeof metadata === "object" ? (metadata as Metadata) : {};
}

const asString = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/**
 * The natural key of a data record: activity and sleep by `summary_id` (sleep may lack one on some
 * providers: then its start time), daily/body/nutrition/menstruation by the date part of `start_time`
 * (Terra re-sends the same day as a superset), athlete one per user.
 */
export function recordKey(type: string, userId: string, record: unknown): RecordKey {
  const metadata = metadataOf(record);
  const startTime = asString(metadata.start_time);
  const endTime = asString(metadata.end_time);
  let key: string;
  if (type === "athlete") key = userId;
  else if (SESSION_TYPES.has(type)) key = asString(metadata.summary_id) ?? startTime ?? "unknown";
  else if (DAY_TYPES.has(type)) key = startTime ? startTime.slice(0, 10) : "unknown";
  else key = startTime ?? "unknown";
  return { type, userId, key, ...(startTime ? { startTime } : {}), ...(endTime ? { endTime } : {}) };
}

/** The user a payload is about (lifecycle events like user_reauth carry `new_user`). */
export function payloadUserId(payload: DeliveryPayload): string | undefined {
  const user = (payload.user ?? payload.new_user) as { user_id?: unknown } | undefined;
  return asString(user?.user_id);
}

/** Every record in a data payload with its key; lifecycle events yield none. */
export function payloadRecords(payload: DeliveryPayload): Array<{ record: Record<string, unknown>; key: RecordKey }> {
  const userId = payloadUserId(payload);
  if (!userId || !DATA_EVENT_TYPES.has(payload.type)) return [];
  if (payload.type === "athlete") {
    const athlete = payload.athlete as Record<string, unknown> | undefined;
    return athlete ? [{ record: athlete, key: recordKey("athlete", userId, athlete) }] : [];
  }
  const data = Array.isArray(payload.data) ? (payload.data as Record<string, unknown>[]) : [];
  return data.map((record) => ({ record, key: recordKey(payload.type, userId, record) }));
}

/** Key of a lifecycle event (auth, deauth, …): user + type + when it happened. */
export function eventKey(payload: DeliveryPayload, orderingTimestamp: number): RecordKey {
  const userId = payloadUserId(payload) ?? "no-user";
  const at = new Date(orderingTimestamp).toISOString();
  return { type: payload.type, userId, key: `${payload.type}-${at}`, startTime: at };
}
