import { badValue, notImplemented } from "./command-error.ts";
import { splitPath, valuesAt } from "./paths.ts";
import { compareValues, isDocument, type Doc } from "./values.ts";

// An array field sorts by its smallest element ascending and its largest descending, as in mongod.
function sortValue(doc: Doc, parts: string[], direction: 1 | -1): unknown {
  const values = valuesAt(doc, parts).flatMap((v) => (Array.isArray(v) && v.length > 0 ? v : [v]));
  let chosen: unknown = values[0] ?? null;
  for (const v of values.slice(1)) if (compareValues(v, chosen) * direction < 0) chosen = v;
  return chosen ?? null;
}

/** A stable sort by a `{ field: 1 | -1 }` specification. */
export function sortDocuments(docs: Doc[], sort: unknown): Doc[] {
  if (sort === undefined || sort === null) return docs;
  if (!isDocument(sort)) throw badValue("sort must be an object");
  const keys = Object.entries(sort).map(([path, dir]) => {
    if (isDocument(dir)) throw notImplemented(`sort by ${JSON.stringify(dir)}`);
    if (dir !== 1 && dir !== -1) throw badValue(`$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    return { parts: splitPath(path), direction: dir as 1 | -1 };
  });
  if (keys.length === 0) return docs;
  return [...docs].sort((a, b) => {
    for (const { parts, direction } of keys) {
      const c = compareValues(sortValue(a, parts, direction), sortValue(b, parts, direction));
      if (c !== 0) return c * direction;
    }
    return 0;
  });
}
