import { Firestore, type DocumentReference, type Settings } from "@google-cloud/firestore";
import type { Destination, DestinationContext, DestinationUser } from "@tributary/core/contracts";
import { MAX_WRITES_PER_COMMIT, commitChunks } from "./commit-chunks.ts";
import { COLLECTIONS, PAYLOAD_VERSION, documentsOf, type PlannedDocument } from "./document-layout.ts";
import { firestoreError } from "./firestore-errors.ts";
import type { FirestoreOptions } from "./options.ts";

interface PendingDocument extends PlannedDocument {
  ref: DocumentReference;
}

export function createFirestoreDestination(options: FirestoreOptions, ctx: DestinationContext): Destination {
  const root = options.root ?? "terra";
  let firestore: Firestore | undefined;

  const database = () => {
    if (firestore) return firestore;
    const settings: Settings = { projectId: options.projectId, ignoreUndefinedProperties: true };
    if (options.databaseId) settings.databaseId = options.databaseId;
    if (options.credentials) settings.credentials = options.credentials;
    if (options.keyFilename) settings.keyFilename = options.keyFilename;
    if (options.host) {
      settings.host = options.host;
      settings.ssl = false;
      // Naming the universe spares the auth library a probe of the GCE metadata server (a request off this
      // machine) to learn one it never uses against an emulator.
      settings.universeDomain = "googleapis.com";
    }
    return (firestore = new Firestore(settings));
  };

  const versionDoc = () => database().collection(root).doc(PAYLOAD_VERSION);

  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw firestoreError(error, options.projectId);
    }
  };

  /**
   * Newer wins inside a transaction: read the stored ordering timestamps, write only the documents this
   * delivery is at least as new as. Firestore retries the transaction itself when another writer interferes.
   */
  const writeNewer = (chunk: readonly PendingDocument[]) =>
    call(() =>
      database().runTransaction(async (transaction) => {
        const stored = await transaction.getAll(...chunk.map((document) => document.ref));
        chunk.forEach((document, index) => {
          const ordering = stored[index]?.get("_tributary.ordering_ts") as unknown;
          if (typeof ordering === "number" && ordering > document.orderingTimestamp) return;
          transaction.set(document.ref, document.data);
        });
      }),
    );

  const deleteUserDocuments = async (collection: string, userId: string): Promise<number> => {
    const query = versionDoc().collection(collection).where("user_id", "==", userId).limit(MAX_WRITES_PER_COMMIT);
    let deleted = 0;
    for (;;) {
      const page = await call(() => query.get());
      if (page.empty) return deleted;
      const batch = database().batch();
      for (const document of page.docs) batch.delete(document.ref);
      await call(() => batch.commit());
      deleted += page.size;
      if (page.size < MAX_WRITES_PER_COMMIT) return deleted;
    }
  };

  return {
    name: ctx.name,
    type: "firestore",

    async write(batch) {
      // The same document twice in one batch: only the newest copy is written (the later one on a tie).
      const latest = new Map<string, PendingDocument>();
      for (const delivery of batch) {
        for (const planned of documentsOf(delivery)) {
          const path = `${planned.collection}/${planned.id}`;
          const seen = latest.get(path);
          if (seen && seen.orderingTimestamp > planned.orderingTimestamp) continue;
          latest.set(path, { ...planned, ref: versionDoc().collection(planned.collection).doc(planned.id) });
        }
      }
      for (const chunk of commitChunks([...latest.values()])) await writeNewer(chunk);
    },

    async delete(user: DestinationUser) {
      let deleted = 0;
      for (const collection of COLLECTIONS) deleted += await deleteUserDocuments(collection, user.user_id);
      ctx.log.debug({ destination: ctx.name, user_id: user.user_id, documents: deleted }, "firestore: erased user documents");
    },

    async check() {
      await call(() => versionDoc().get());
    },

    async close() {
      const closing = firestore;
      firestore = undefined;
      await closing?.terminate();
    },
  };
}
