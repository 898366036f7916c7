import { badValue, notImplemented } from "./command-error.ts";
import { splitPath, valuesAt } from "./paths.ts";
import { compareValues, isDocument, typeRank, type Doc } from "./values.ts";

const FIELD_OPERATORS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$not", "$size"]);
const UNIMPLEMENTED_FIELD_OPERATORS = new Set([
  "$regex",
  "$options",
  "$elemMatch",
  "$all",
  "$type",
  "$mod",
  "$bitsAllSet",
  "$bitsAnySet",
  "$geoWithin",
  "$near",
  "$nearSphere",
  "$geoIntersects",
]);
const LOGICAL_OPERATORS = new Set(["$and", "$or", "$nor", "$comment"]);
const UNIMPLEMENTED_LOGICAL_OPERATORS = new Set(["$expr", "$where", "$text", "$jsonSchema"]);

function checkFieldOperator(op: string, arg: unknown): void {
  if (UNIMPLEMENTED_FIELD_OPERATORS.has(op)) throw notImplemented(`query operator ${op}`);
  if (!FIELD_OPERATORS.has(op)) throw badValue(`unknown operator: ${op}`);
  if (op === "$not" && isOperatorDocument(arg)) Object.entries(arg).forEach(([inner, innerArg]) => checkFieldOperator(inner, innerArg));
}

/**
 * Reject unknown or unimplemented operators before looking at any document, as mongod parses a query
 * up front: an empty collection must not hide an unsupported filter.
 */
export function checkFilter(filter: Doc): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key.startsWith("$")) {
      if (UNIMPLEMENTED_LOGICAL_OPERATORS.has(key)) throw notImplemented(`query operator ${key}`);
      if (!LOGICAL_OPERATORS.has(key)) throw badValue(`unknown top level operator: ${key}`);
      if (key !== "$comment") clauses(key, condition).forEach(checkFilter);
    } else if (isOperatorDocument(condition)) {
      Object.entries(condition).forEach(([op, arg]) => checkFieldOperator(op, arg));
    }
  }
}

/** The query language subset the destination and its tests use: see README.md for what is left out. */
export function matches(doc: Doc, filter: Doc): boolean {
  for (const [key, condition] of Object.entries(filter)) {
    const ok = key.startsWith("$") ? matchLogical(doc, key, condition) : matchField(doc, key, condition);
    if (!ok) return false;
  }
  return true;
}

function clauses(op: string, arg: unknown): Doc[] {
  if (!Array.isArray(arg) || arg.length === 0 || !arg.every(isDocument)) {
    throw badValue(`${op} argument must be a non-empty array of objects`);
  }
  return arg;
}

function matchLogical(doc: Doc, op: string, arg: unknown): boolean {
  switch (op) {
    case "$and":
      return clauses(op, arg).every((f) => matches(doc, f));
    case "$or":
      return clauses(op, arg).some((f) => matches(doc, f));
    case "$nor":
      return !clauses(op, arg).some((f) => matches(doc, f));
    default:
      // $comment; anything else was refused by checkFilter.
      return true;
  }
}

export const isOperatorDocument = (v: unknown): v is Doc => isDocument(v) && (Object.keys(v)[0]?.startsWith("$") ?? false);

function matchField(doc: Doc, path: string, condition: unknown): boolean {
  const candidates = valuesAt(doc, splitPath(path));
  if (!isOperatorDocument(condition)) return equalsAny(candidates, condition);
  return Object.entries(condition).every(([op, arg]) => matchOperator(candidates, op, arg));
}

// A query value matches a field when it equals the field, or — for an array field — one of its elements.
const anyValue = (candidates: unknown[], test: (v: unknown) => boolean) => candidates.some((c) => test(c) || (Array.isArray(c) && c.some(test)));

function equalsAny(candidates: unknown[], wanted: unknown): boolean {
  if (wanted instanceof RegExp) return anyValue(candidates, (v) => typeof v === "string" && wanted.test(v));
  return anyValue(candidates, (v) => compareValues(v, wanted) === 0);
}

// Range operators only compare within one type bracket: { $lte: 5 } never matches a string.
const compareWithin = (wanted: unknown, accept: (c: number) => boolean) => (v: unknown) => typeRank(v) === typeRank(wanted) && accept(compareValues(v, wanted));

function matchOperator(candidates: unknown[], op: string, arg: unknown): boolean {
  switch (op) {
    case "$eq":
      return equalsAny(candidates, arg);
    case "$ne":
      return !equalsAny(candidates, arg);
    case "$gt":
      return anyValue(
        candidates,
        compareWithin(arg, (c) => c > 0),
      );
    case "$gte":
      return anyValue(
        candidates,
        compareWithin(arg, (c) => c >= 0),
      );
    case "$lt":
      return anyValue(
        candidates,
        compareWithin(arg, (c) => c < 0),
      );
    case "$lte":
      return anyValue(
        candidates,
        compareWithin(arg, (c) => c <= 0),
      );
    case "$in":
      if (!Array.isArray(arg)) throw badValue("$in needs an array");
      return arg.some((wanted) => equalsAny(candidates, wanted));
    case "$nin":
      if (!Array.isArray(arg)) throw badValue("$nin needs an array");
      return !arg.some((wanted) => equalsAny(candidates, wanted));
    case "$exists":
      return arg ? candidates.some((c) => c !== undefined) : candidates.every((c) => c === undefined);
    case "$not":
      if (arg instanceof RegExp) return !equalsAny(candidates, arg);
      if (!isOperatorDocument(arg)) throw badValue("$not needs a regex or a document");
      return !Object.entries(arg).every(([inner, innerArg]) => matchOperator(candidates, inner, innerArg));
    case "$size":
      return candidates.some((c) => Array.isArray(c) && c.length === arg);
    default:
      checkFieldOperator(op, arg);
      throw notImplemented(`query operator ${op}`);
  }
}
