import type { Delivery, Destination, DestinationContext, DestinationUser } from "@tributary/core/contracts";
import { MongoClient, type Db } from "mongodb";
import { ALL_COLLECTIONS, indexesFor } from "./collections.ts";
import { hostsOf, secretScrubber } from "./connection-string.ts";
import { documentsFor, type StoredDocument } from "./documents.ts";
import { mapMongoError, urlError } from "./map-mongo-error.ts";
import { DEFAULT_DATABASE, DEFAULT_SERVER_SELECTION_TIMEOUT_MS, type MongoOptions } from "./options.ts";
import { upsertNewerWins } from "./upsert-newer-wins.ts";

export function createMongoDestination(options: MongoOptions, ctx: DestinationContext): Destination {
  const databaseName = options.database ?? DEFAULT_DATABASE;
  const prefix = options.collectionPrefix ?? "";
  const scope = (action: string) => ({ target: `MongoDB ${hostsOf(options.url)}/${databaseName}`, action, scrub: secretScrubber(options.url) });

  let connecting: Promise<MongoClient> | undefined;
  let indexing: Promise<void> | undefined;

  const openClient = async () => {
    let client: MongoClient;
    try {
      client = new MongoClient(options.url, {
        serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
        appName: "tributary",
      });
    } catch (error) {
      throw urlError(error, scope("connect"));
    }
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  };

  // Memoised, but forgotten on failure: a server that was down or a password that was fixed gets a new try.
  const database = async (): Promise<Db> => {
    connecting ??= openClient().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return (await connecting).db(databaseName);
  };

  const ensureIndexes = (db: Db) => {
    indexing ??= Promise.all(ALL_COLLECTIONS.map((name) => db.collection(prefix + name).createIndexes(indexesFor(name)))).then(
      () => ctx.log.debug({ destination: ctx.name, database: databaseName }, "mongodb indexes ensured"),
      (error: unknown) => {
        indexing = undefined;
        throw error;
      },
    );
    return indexing;
  };

  const run = async <T>(action: string, work: (db: Db) => Promise<T>): Promise<T> => {
    try {
      return await work(await database());
    } catch (error) {
      throw mapMongoError(error, scope(action));
    }
  };

  return {
    name: ctx.name,
    type: "mongodb",

    async write(batch: readonly Delivery[]) {
      const updatedAt = new Date();
      const byCollection = new Map<string, StoredDocument[]>();
      for (const delivery of batch) {
        const documents = documentsFor(delivery, updatedAt);
        if (documents.length === 0 && (delivery.payload.data ?? delivery.payload.athlete) !== undefined) {
          ctx.log.warn({ destination: ctx.name, traceId: delivery.traceId, type: delivery.payload.type }, "data payload without a user id: nothing stored");
        }
        for (const { collection, document } of documents) {
          const list = byCollection.get(collection) ?? [];
          list.push(document);
          byCollection.set(collection, list);
        }
      }
      if (byCollection.size === 0) return;
      await run("write", async (db) => {
        await ensureIndexes(db);
        await Promise.all([...byCollection].map(([name, documents]) => upsertNewerWins(db.collection<StoredDocument>(prefix + name), documents)));
      });
    },

    async delete(user: DestinationUser) {
      await run("delete", async (db) => {
        await Promise.all(ALL_COLLECTIONS.map((name) => db.collection(prefix + name).deleteMany({ "user.user_id": user.user_id })));
      });
    },

    async check(checkOptions) {
      await run("check", async (db) => {
        await db.command({ ping: 1 });
        if (checkOptions?.write) await ensureIndexes(db);
      });
    },

    async close() {
      const pending = connecting;
      connecting = undefined;
      indexing = undefined;
      const client = await pending?.catch(() => undefined);
      await client?.close();
    },
  };
}
