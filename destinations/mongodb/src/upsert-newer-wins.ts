import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection } from "mongodb";
import type { StoredDocument } from "./documents.ts";

const DUPLICATE_KEY = 11000;

/**
 * Replace each document by `_id` unless the stored copy is newer, in one unordered bulkWrite.
 *
 * The filter is `{ _id, $or: [ordering_ts <= ours, no ordering_ts] }` with `upsert: true`. When nothing
 * is stored the upsert inserts; when an older (or equally old) copy is stored it is replaced; when a
 * newer copy is stored the filter matches nothing, so the upsert tries to insert a second document with
 * the same `_id` and the server answers E11000. That duplicate-key error is the "newer exists" answer.
 * One subtlety: two writers racing to insert the same new `_id` also produce an E11000 for the loser even
 * if its copy is newer, so E11000s are retried once — by then a document exists and the guard decides.
 *
 * An update pipeline with `$cond` would avoid the error round trip, but plain replacement upserts are
 * what every MongoDB-compatible server (and the test kit's in-process one) supports.
 */
export async function upsertNewerWins(collection: Collection<StoredDocument>, documents: readonly StoredDocument[]): Promise<void> {
  let pending = documents;
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) pending = await upsertOnce(collection, pending);
  // Still refused after the retry: the stored copy is newer, which is the outcome we want.
}

async function upsertOnce(collection: Collection<StoredDocument>, documents: readonly StoredDocument[]): Promise<StoredDocument[]> {
  const operations: AnyBulkWriteOperation<StoredDocument>[] = documents.map((document) => ({
    replaceOne: {
      filter: {
        _id: document._id,
        $or: [{ "_tributary.ordering_ts": { $lte: document._tributary.ordering_ts } }, { "_tributary.ordering_ts": { $exists: false } }],
      },
      replacement: document,
      upsert: true,
    },
  }));
  try {
    await collection.bulkWrite(operations, { ordered: false });
    return [];
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError) || error.writeConcernError) throw error;
    const writeErrors = [error.writeErrors].flat();
    if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    return writeErrors.map((e) => documents[e.index]!);
  }
}
