import { CommandError, badValue, notImplemented } from "../command-error.ts";
import { matches } from "../filter.ts";
import { isIndexSpec, type IndexSpec } from "../memory-store.ts";
import { deepClone, isDocument, valuesEqual, type Doc } from "../values.ts";
import { collectionName, type CommandContext, type CommandHandler } from "./context.ts";

const namespaceNotFound = (ns: string) => new CommandError(26, "NamespaceNotFound", `ns does not exist: ${ns}`);

function createIndexes(ctx: CommandContext): Doc {
  const specs = ctx.command.indexes;
  if (!Array.isArray(specs) || specs.length === 0) throw badValue("Must specify at least one index to create");
  for (const spec of specs) {
    if (!isIndexSpec(spec)) throw new CommandError(9, "FailedToParse", "Each index specification must have a non-empty 'key' object and a 'name' string");
    if (Object.values(spec.key).some((v) => typeof v === "string")) throw notImplemented(`special index type in ${JSON.stringify(spec.key)}`);
  }
  const { collection, created } = ctx.server.store.ensureCollection(ctx.db, collectionName(ctx));
  const before = collection.indexes.length;
  for (const spec of specs as IndexSpec[]) collection.createIndex({ ...deepClone(spec), v: 2 });
  const after = collection.indexes.length;
  return {
    numIndexesBefore: before,
    numIndexesAfter: after,
    createdCollectionAutomatically: created,
    ...(before === after ? { note: "all indexes already exist" } : {}),
    ok: 1,
  };
}

function listIndexes(ctx: CommandContext): Doc {
  const collection = ctx.server.store.collection(ctx.db, collectionName(ctx));
  if (!collection) throw namespaceNotFound(`${ctx.db}.${collectionName(ctx)}`);
  const cursor = isDocument(ctx.command.cursor) ? ctx.command.cursor : {};
  return ctx.server.cursors.firstBatch(
    collection.ns,
    collection.indexes.map((i) => deepClone(i) as Doc),
    cursor.batchSize,
  );
}

function dropIndexes(ctx: CommandContext): Doc {
  const collection = ctx.server.store.collection(ctx.db, collectionName(ctx));
  if (!collection) throw namespaceNotFound(`${ctx.db}.${collectionName(ctx)}`);
  const nIndexesWas = collection.indexes.length;
  const which = ctx.command.index;
  if (which === "*") {
    for (const index of collection.indexes.filter((i) => i.name !== "_id_")) collection.dropIndex(index.name);
  } else if (typeof which === "string") {
    collection.dropIndex(which);
  } else if (Array.isArray(which)) {
    which.forEach((name) => collection.dropIndex(String(name)));
  } else if (isDocument(which)) {
    const index = collection.indexes.find((i) => valuesEqual(i.key, which));
    if (!index) throw new CommandError(27, "IndexNotFound", `can't find index with key: ${JSON.stringify(which)}`);
    collection.dropIndex(index.name);
  } else {
    throw badValue("index must be a name, a key pattern or '*'");
  }
  return { nIndexesWas, ok: 1 };
}

function listCollections(ctx: CommandContext): Doc {
  const filter = isDocument(ctx.command.filter) ? ctx.command.filter : {};
  const docs = ctx.server.store
    .collections(ctx.db)
    .map(
      (c): Doc =>
        ctx.command.nameOnly
          ? { name: c.name, type: "collection" }
          : { name: c.name, type: "collection", options: {}, info: { readOnly: false, uuid: c.uuid }, idIndex: { v: 2, key: { _id: 1 }, name: "_id_" } },
    )
    .filter((doc) => matches(doc, filter));
  const cursor = isDocument(ctx.command.cursor) ? ctx.command.cursor : {};
  return ctx.server.cursors.firstBatch(`${ctx.db}.$cmd.listCollections`, docs, cursor.batchSize);
}

function create(ctx: CommandContext): Doc {
  for (const option of ["capped", "validator", "timeseries", "viewOn", "clusteredIndex", "collation"]) {
    if (ctx.command[option] !== undefined) throw notImplemented(`create option '${option}'`);
  }
  const { collection, created } = ctx.server.store.ensureCollection(ctx.db, collectionName(ctx));
  if (!created) throw new CommandError(48, "NamespaceExists", `Collection ${collection.ns} already exists.`);
  return { ok: 1 };
}

// MongoDB 7.0 answers ok (no NamespaceNotFound) when the collection does not exist.
function drop(ctx: CommandContext): Doc {
  const dropped = ctx.server.store.dropCollection(ctx.db, collectionName(ctx));
  return dropped ? { nIndexesWas: dropped.indexes.length, ns: dropped.ns, ok: 1 } : { ok: 1 };
}

function dropDatabase(ctx: CommandContext): Doc {
  ctx.server.store.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
}

function listDatabases(ctx: CommandContext): Doc {
  const filter = isDocument(ctx.command.filter) ? ctx.command.filter : {};
  const databases = ctx.server.store
    .databaseNames()
    .map((name): Doc => (ctx.command.nameOnly ? { name } : { name, sizeOnDisk: 0, empty: false }))
    .filter((doc) => matches(doc, filter));
  return { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
}

export const ddlCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  listCollections,
  create,
  drop,
  dropDatabase,
  listDatabases,
};
