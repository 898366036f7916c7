import { ObjectId } from "bson";
import { CommandError, badValue, notImplemented } from "./command-error.ts";
import { isOperatorDocument } from "./filter.ts";
import { getAt, setAt, splitPath, unsetAt } from "./paths.ts";
import { deepClone, describeValue, isDocument, typeRank, toNumber, valuesEqual, type Doc } from "./values.ts";

const immutableId = (to: unknown) =>
  new CommandError(66, "ImmutableField", `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${describeValue(to)}`);

/** Replacement documents have no `$` keys; operator documents only `$` keys; pipelines are arrays. */
export function updateKind(update: unknown): "replacement" | "operators" {
  if (Array.isArray(update)) throw notImplemented("update with an aggregation pipeline");
  if (!isDocument(update)) throw badValue("update must be an object");
  const keys = Object.keys(update);
  const dollar = keys.filter((k) => k.startsWith("$")).length;
  if (dollar === 0) return "replacement";
  if (dollar === keys.length) return "operators";
  throw new CommandError(52, "DollarPrefixedFieldName", `The dollar ($) prefixed field '${keys.find((k) => k.startsWith("$"))}' is not allowed here`);
}

/** The document a replacement leaves behind: the old `_id` kept first, the rest from the replacement. */
export function replaced(old: Doc, replacement: Doc): Doc {
  if ("_id" in replacement && !valuesEqual(replacement._id, old._id)) throw immutableId(replacement._id);
  const { _id: _ignored, ...rest } = deepClone(replacement);
  return { _id: old._id, ...rest };
}

/** Apply `$set`-style operators to a copy of `doc`; `isInsert` turns `$setOnInsert` on (upserts). */
export function applyOperators(doc: Doc, update: Doc, isInsert: boolean): Doc {
  const out = deepClone(doc);
  for (const [op, fields] of Object.entries(update)) {
    if (!isDocument(fields)) throw badValue(`Modifiers operate on fields but we found type ${typeof fields} instead`);
    for (const [path, value] of Object.entries(fields)) applyOne(out, op, splitPath(path), value, isInsert);
  }
  if (!isInsert && !valuesEqual(out._id, doc._id)) throw immutableId(out._id);
  return out;
}

function applyOne(doc: Doc, op: string, parts: string[], value: unknown, isInsert: boolean): void {
  switch (op) {
    case "$set":
      return setAt(doc, parts, deepClone(value));
    case "$setOnInsert":
      return isInsert ? setAt(doc, parts, deepClone(value)) : undefined;
    case "$unset":
      return unsetAt(doc, parts);
    case "$inc": {
      const current = getAt(doc, parts);
      if (typeRank(value) !== 3 || (current !== undefined && typeRank(current) !== 3)) {
        throw new CommandError(14, "TypeMismatch", `Cannot apply $inc to a value of non-numeric type`);
      }
      return setAt(doc, parts, (current === undefined ? 0 : toNumber(current)) + toNumber(value));
    }
    case "$currentDate":
      return setAt(doc, parts, new Date());
    case "$push":
    case "$pull":
    case "$addToSet":
    case "$pop":
    case "$min":
    case "$max":
    case "$mul":
    case "$rename":
      throw notImplemented(`update operator ${op}`);
    default:
      throw new CommandError(9, "FailedToParse", `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
}

/**
 * What an upsert starts from when nothing matched: the filter's equality conditions (top level and
 * inside `$and`); `$or` branches and range conditions contribute nothing, as in mongod.
 */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  const collect = (f: Doc) => {
    for (const [key, condition] of Object.entries(f)) {
      if (key === "$and" && Array.isArray(condition)) condition.filter(isDocument).forEach(collect);
      else if (key.startsWith("$")) continue;
      else if (!isOperatorDocument(condition)) {
        if (!(condition instanceof RegExp)) setAt(seed, splitPath(key), deepClone(condition));
      } else if ("$eq" in condition) setAt(seed, splitPath(key), deepClone(condition.$eq));
    }
  };
  collect(filter);
  return seed;
}

/** The document an upsert inserts, `_id` first (taken from the filter, the replacement, or a new ObjectId). */
export function upserted(filter: Doc, update: Doc, kind: "replacement" | "operators"): Doc {
  const seed = upsertSeed(filter);
  if (kind === "operators") {
    const built = applyOperators(seed, update, true);
    const { _id, ...rest } = built;
    return { _id: _id ?? new ObjectId(), ...rest };
  }
  if ("_id" in seed && "_id" in update && !valuesEqual(seed._id, update._id)) throw immutableId(update._id);
  const { _id, ...rest } = deepClone(update);
  return { _id: seed._id ?? _id ?? new ObjectId(), ...rest };
}
