import { defineDestination } from "@tributary/core/contracts";
import { createFirestoreDestination } from "./firestore-destination.ts";
import { firestoreOptionsSchema, type FirestoreOptions } from "./options.ts";

export type { FirestoreOptions };
export { createFirestoreDestination } from "./firestore-destination.ts";
export { MAX_WRITES_PER_COMMIT } from "./commit-chunks.ts";
export { COLLECTIONS, EVENTS_COLLECTION, PAYLOAD_VERSION, documentId } from "./document-layout.ts";

/**
 * Terra's Firestore layout: one document per record at `<root>/2022-03-16/<type>/<user_id>-<natural key>`
 * (events in `user_events`), newer copy wins, written in transactions of at most 500 documents.
 */
export default defineDestination<FirestoreOptions>({
  name: "firestore",
  optionsSchema: firestoreOptionsSchema,
  secretOptions: ["credentials"],
  create: createFirestoreDestination,
});
