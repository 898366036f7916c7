import { DATA_EVENT_TYPES } from "@tributary/core/contracts";
import type { Document, MongoClient } from "mongodb";
import type { StoredRecord } from "../destination-conformance.ts";

/** Where a mongodb destination writes: its `database` and `collectionPrefix` options. */
export interface MongoPlace {
  database: string;
  collectionPrefix?: string;
}

/** The collection lifecycle events share; each document keeps the event's own `type`. */
export const MONGO_EVENTS_COLLECTION = "user_events";

/**
 * A user's documents in the given collections (unprefixed names; default: one per data type), read with a
 * client of the caller's: the natural key is the `_id.key` the destination wrote, the record is the document
 * without `_id`, `user` and the `_tributary` stamp.
 */
export async function readMongoRecords(
  client: MongoClient,
  place: MongoPlace,
  userId: string,
  collections: readonly string[] = [...DATA_EVENT_TYPES],
): Promise<StoredRecord[]> {
  const db = client.db(place.database);
  const stored: StoredRecord[] = [];
  for (const collection of collections) {
    const documents: Document[] = await db
      .collection(`${place.collectionPrefix ?? ""}${collection}`)
      .find({ "_id.user_id": userId })
      .sort({ _id: 1 })
      .toArray();
    for (const { _id, user: _user, _tributary, ...record } of documents) {
      stored.push({ type: collection === MONGO_EVENTS_COLLECTION ? String(record.type) : collection, key: String(_id.key), record });
    }
  }
  return stored;
}
