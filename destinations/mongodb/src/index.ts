import { defineDestination } from "@tributary/core/contracts";
import { createMongoDestination } from "./create-destination.ts";
import { mongoOptionsSchema, type MongoOptions } from "./options.ts";

export type { MongoOptions };
export { ALL_COLLECTIONS, ATHLETE_COLLECTION, DATA_COLLECTIONS, EVENTS_COLLECTION } from "./collections.ts";
export type { StoredDocument, TributaryStamp } from "./documents.ts";

/**
 * MongoDB: one collection per Terra data type plus `athlete` and `user_events`, `_id` = `{ user_id, key }`
 * from the natural key, newer-wins bulk upserts, indexes on user, reference id and time.
 */
export default defineDestination<MongoOptions>({
  name: "mongodb",
  optionsSchema: mongoOptionsSchema,
  secretOptions: ["url"],
  create: createMongoDestination,
});
