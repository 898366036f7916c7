import type { IndexDescription } from "mongodb";

/** One collection per Terra data type, as Terra's own MongoDB destination lays them out. */
export const DATA_COLLECTIONS = ["activity", "body", "daily", "sleep", "nutrition", "menstruation"] as const;
export const ATHLETE_COLLECTION = "athlete";
/** Lifecycle events (auth, deauth, user_reauth, …) and any other non-data payload. */
export const EVENTS_COLLECTION = "user_events";
export const ALL_COLLECTIONS = [...DATA_COLLECTIONS, ATHLETE_COLLECTION, EVENTS_COLLECTION] as const;

const USER_INDEXES: IndexDescription[] = [{ key: { "user.user_id": 1 } }, { key: { "user.reference_id": 1 } }];

/**
 * Indexes for the queries an application runs on these collections: by user, by the application's own
 * reference id, and newest-first by time. Default names, so an index someone already created on the
 * same keys is recognised instead of conflicting.
 */
export function indexesFor(collection: string): IndexDescription[] {
  if (collection === ATHLETE_COLLECTION) return USER_INDEXES;
  if (collection === EVENTS_COLLECTION) return [...USER_INDEXES, { key: { event_time: -1 } }];
  return [...USER_INDEXES, { key: { "metadata.start_time": -1 } }, { key: { "metadata.end_time": -1 } }];
}
