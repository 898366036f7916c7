import { ObjectId, UUID } from "bson";
import { CommandError } from "./command-error.ts";
import { checkFilter, isOperatorDocument, matches } from "./filter.ts";
import { getAt, splitPath } from "./paths.ts";
import { canonicalKey, describeValue, isDocument, valuesEqual, type Doc } from "./values.ts";

export interface IndexSpec {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  [option: string]: unknown;
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: "_id_" };

function indexKeyValue(index: IndexSpec, doc: Doc): Doc {
  const value: Doc = {};
  for (const field of Object.keys(index.key)) value[field] = getAt(doc, splitPath(field)) ?? null;
  return value;
}

function coveredBy(index: IndexSpec, doc: Doc): boolean {
  if (index.partialFilterExpression && !matches(doc, index.partialFilterExpression)) return false;
  if (index.sparse && Object.keys(index.key).every((f) => getAt(doc, splitPath(f)) === undefined)) return false;
  return true;
}

const duplicateKey = (ns: string, index: IndexSpec, keyValue: Doc) =>
  new CommandError(11000, "DuplicateKey", `E11000 duplicate key error collection: ${ns} index: ${index.name} dup key: ${describeValue(keyValue)}`, {
    keyPattern: index.key,
    keyValue,
  });

/** One collection: documents in insertion order keyed by `_id`, plus its index definitions. */
export class MemoryCollection {
  readonly docs = new Map<string, Doc>();
  readonly indexes: IndexSpec[] = [ID_INDEX];
  readonly uuid = new UUID();

  constructor(
    readonly dbName: string,
    readonly name: string,
  ) {}

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  /** Matching documents in natural order; an `_id` equality is a direct lookup, as the `_id_` index would make it. */
  select(filter: Doc): Doc[] {
    checkFilter(filter);
    const id = filter._id;
    if (id !== undefined && !isOperatorDocument(id) && !(id instanceof RegExp)) {
      const doc = this.docs.get(canonicalKey(id));
      return doc && matches(doc, filter) ? [doc] : [];
    }
    return [...this.docs.values()].filter((doc) => matches(doc, filter));
  }

  insert(doc: Doc): Doc {
    const stored = "_id" in doc ? doc : { _id: new ObjectId(), ...doc };
    if (Array.isArray(stored._id)) throw new CommandError(53, "InvalidIdField", "The '_id' value cannot be of type array");
    this.checkUnique(stored);
    this.docs.set(canonicalKey(stored._id), stored);
    return stored;
  }

  /** Swap in a new version of a stored document (same `_id`, so it keeps its place in natural order). */
  replace(old: Doc, next: Doc): void {
    this.checkUnique(next, old);
    this.docs.set(canonicalKey(old._id), next);
  }

  remove(doc: Doc): void {
    this.docs.delete(canonicalKey(doc._id));
  }

  /** Returns false when an identical index already exists; conflicting definitions fail like mongod's. */
  createIndex(spec: IndexSpec): boolean {
    const sameName = this.indexes.find((i) => i.name === spec.name);
    if (sameName) {
      if (!valuesEqual(sameName.key, spec.key)) {
        throw new CommandError(86, "IndexKeySpecsConflict", `An existing index has the same name as the requested index but different keys: ${spec.name}`);
      }
      if (Boolean(sameName.unique) !== Boolean(spec.unique) || Boolean(sameName.sparse) !== Boolean(spec.sparse)) {
        throw new CommandError(85, "IndexOptionsConflict", `An equivalent index already exists with the same name but different options: ${spec.name}`);
      }
      return false;
    }
    const sameKey = this.indexes.find((i) => valuesEqual(i.key, spec.key));
    if (sameKey) throw new CommandError(85, "IndexOptionsConflict", `Index already exists with a different name: ${sameKey.name}`);
    if (spec.unique) {
      const seen = new Set<string>();
      for (const doc of this.docs.values()) {
        if (!coveredBy(spec, doc)) continue;
        const keyValue = indexKeyValue(spec, doc);
        const key = canonicalKey(keyValue);
        if (seen.has(key)) throw duplicateKey(this.ns, spec, keyValue);
        seen.add(key);
      }
    }
    this.indexes.push(spec);
    return true;
  }

  dropIndex(name: string): void {
    if (name === "_id_") throw new CommandError(72, "InvalidOptions", "cannot drop _id index");
    const at = this.indexes.findIndex((i) => i.name === name);
    if (at < 0) throw new CommandError(27, "IndexNotFound", `index not found with name [${name}]`);
    this.indexes.splice(at, 1);
  }

  private checkUnique(doc: Doc, replacing?: Doc): void {
    for (const index of this.indexes) {
      if (index !== ID_INDEX && (!index.unique || !coveredBy(index, doc))) continue;
      const keyValue = indexKeyValue(index, doc);
      const conflict =
        index === ID_INDEX
          ? this.docs.get(canonicalKey(doc._id))
          : [...this.docs.values()].find((other) => coveredBy(index, other) && valuesEqual(indexKeyValue(index, other), keyValue));
      if (conflict && conflict !== replacing) throw duplicateKey(this.ns, index, keyValue);
    }
  }
}

function checkNamespace(db: string, collection?: string): void {
  if (db.length === 0 || /[/\\. "$\0]/.test(db)) throw new CommandError(73, "InvalidNamespace", `Invalid database name: '${db}'`);
  if (collection !== undefined && (collection.length === 0 || collection.includes("$") || collection.includes("\0"))) {
    throw new CommandError(73, "InvalidNamespace", `Invalid collection name: '${collection}'`);
  }
}

/** Every database of one server, in memory; a database exists while it has a collection, as in mongod. */
export class MemoryStore {
  private readonly databases = new Map<string, Map<string, MemoryCollection>>();

  collection(db: string, name: string): MemoryCollection | undefined {
    return this.databases.get(db)?.get(name);
  }

  ensureCollection(db: string, name: string): { collection: MemoryCollection; created: boolean } {
    checkNamespace(db, name);
    const existing = this.collection(db, name);
    if (existing) return { collection: existing, created: false };
    const collection = new MemoryCollection(db, name);
    const collections = this.databases.get(db) ?? new Map<string, MemoryCollection>();
    collections.set(name, collection);
    this.databases.set(db, collections);
    return { collection, created: true };
  }

  collections(db: string): MemoryCollection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  dropCollection(db: string, name: string): MemoryCollection | undefined {
    const collections = this.databases.get(db);
    const dropped = collections?.get(name);
    collections?.delete(name);
    if (collections?.size === 0) this.databases.delete(db);
    return dropped;
  }

  dropDatabase(db: string): void {
    this.databases.delete(db);
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }
}

export const isIndexSpec = (v: unknown): v is IndexSpec =>
  isDocument(v) && isDocument(v.key) && Object.keys(v.key).length > 0 && typeof v.name === "string" && v.name.length > 0;
