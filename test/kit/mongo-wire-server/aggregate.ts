import { CommandError, badValue, notImplemented } from "./command-error.ts";
import { matches } from "./filter.ts";
import { splitPath, getAt } from "./paths.ts";
import { project } from "./projection.ts";
import { sortDocuments } from "./sort.ts";
import { canonicalKey, isDocument, toNumber, typeRank, type Doc } from "./values.ts";

const UNSUPPORTED_STAGES = new Set([
  "$lookup",
  "$unwind",
  "$addFields",
  "$set",
  "$unset",
  "$facet",
  "$bucket",
  "$replaceRoot",
  "$out",
  "$merge",
  "$sample",
  "$sortByCount",
]);

/** `$path` reads a field; anything else is a constant. */
function evaluate(expression: unknown, doc: Doc): unknown {
  if (typeof expression === "string" && expression.startsWith("$")) return getAt(doc, splitPath(expression.slice(1)));
  if (isDocument(expression) && Object.keys(expression).some((k) => k.startsWith("$"))) throw notImplemented(`expression ${JSON.stringify(expression)}`);
  return expression;
}

// Only what countDocuments() sends: { $group: { _id: <const or $path>, <field>: { $sum: <number or $path> } } }.
function group(docs: Doc[], spec: Doc): Doc[] {
  const groups = new Map<string, Doc>();
  for (const doc of docs) {
    const id = evaluate(spec._id, doc) ?? null;
    const key = canonicalKey(id);
    const out = groups.get(key) ?? { _id: id };
    groups.set(key, out);
    for (const [field, accumulator] of Object.entries(spec)) {
      if (field === "_id") continue;
      if (!isDocument(accumulator) || Object.keys(accumulator).length !== 1 || !("$sum" in accumulator)) {
        throw notImplemented(`$group accumulator ${JSON.stringify(accumulator)}`);
      }
      const value = evaluate(accumulator.$sum, doc);
      out[field] = toNumber(out[field] ?? 0) + (typeRank(value) === 3 ? toNumber(value) : 0);
    }
  }
  return [...groups.values()];
}

/** The pipeline stages the driver's helpers use: $match, $sort, $skip, $limit, $project, $count, simple $group. */
export function runPipeline(input: Doc[], pipeline: unknown): Doc[] {
  if (!Array.isArray(pipeline)) throw badValue("'pipeline' option must be specified as an array");
  let docs = input;
  for (const stage of pipeline) {
    if (!isDocument(stage) || Object.keys(stage).length !== 1)
      throw new CommandError(40323, "Location40323", "A pipeline stage specification object must contain exactly one field.");
    const [name, arg] = Object.entries(stage)[0]!;
    switch (name) {
      case "$match":
        if (!isDocument(arg)) throw badValue("the match filter must be an expression in an object");
        docs = docs.filter((d) => matches(d, arg));
        break;
      case "$sort":
        docs = sortDocuments(docs, arg);
        break;
      case "$skip":
        docs = docs.slice(toNumber(arg));
        break;
      case "$limit":
        docs = docs.slice(0, toNumber(arg));
        break;
      case "$project":
        docs = docs.map((d) => project(d, arg));
        break;
      case "$count":
        if (typeof arg !== "string" || arg.length === 0) throw badValue("the count field must be a non-empty string");
        docs = docs.length > 0 ? [{ [arg]: docs.length }] : [];
        break;
      default:
        if (name === "$group" && isDocument(arg)) {
          docs = group(docs, arg);
          break;
        }
        if (UNSUPPORTED_STAGES.has(name)) throw notImplemented(`pipeline stage ${name}`);
        throw new CommandError(40324, "Location40324", `Unrecognized pipeline stage name: '${name}'`);
    }
  }
  return docs;
}
