import { badValue, notImplemented } from "./command-error.ts";
import { getAt, setAt, splitPath, unsetAt } from "./paths.ts";
import { deepClone, isDocument, type Doc } from "./values.ts";

/** Inclusion (`{a: 1}`) or exclusion (`{a: 0}`) projections on plain or dotted paths; `_id` kept unless `_id: 0`. */
export function project(doc: Doc, projection: unknown): Doc {
  if (!isDocument(projection) || Object.keys(projection).length === 0) return doc;
  const entries = Object.entries(projection);
  for (const [path, spec] of entries) {
    if (isDocument(spec) || typeof spec === "string") throw notImplemented(`projection expression on '${path}'`);
    if (path.includes("$")) throw notImplemented(`positional projection '${path}'`);
  }
  const keepId = projection._id === undefined || Boolean(projection._id);
  const fields = entries.filter(([path]) => path !== "_id");
  const including = fields.filter(([, spec]) => Boolean(spec));
  if (including.length > 0 && including.length !== fields.length) {
    throw badValue("Cannot do exclusion on a field in an inclusion projection");
  }
  if (including.length > 0 || (fields.length === 0 && projection._id !== undefined && Boolean(projection._id))) {
    const out: Doc = {};
    if (keepId && "_id" in doc) out._id = doc._id;
    for (const [path] of including) {
      const parts = splitPath(path);
      const value = getAt(doc, parts);
      if (value !== undefined) setAt(out, parts, deepClone(value));
    }
    return out;
  }
  const out = deepClone(doc);
  for (const [path] of fields) unsetAt(out, splitPath(path));
  if (!keepId) delete out._id;
  return out;
}
