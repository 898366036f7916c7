import { isDeepStrictEqual } from "node:util";
import type { RecordingFile } from "./load-recordings.ts";
import { decodePath, type RequestParts } from "./request-parts.ts";

/**
 * Finds the recording that answers a request. A file matches when its method and path are the
 * request's and every query parameter and body field it names has the value it gives (what it does not
 * name is not compared). Precedence, when several match:
 *  1. the file naming the most query parameters and body fields (the most specific) wins;
 *  2. among equally specific files, each answers once, in file-name order, and the last one keeps
 *     answering — so a recorded 429 then 200, or 401 then 200 after a refresh, replays in order.
 */
export interface RecordingMatcher {
  match(request: RequestParts): RecordingFile | undefined;
  /** Files with the request's method and path, and why each does not match: for the error message. */
  nearMisses(request: RequestParts): Array<{ file: string; differences: string[] }>;
}

export function createRecordingMatcher(files: readonly RecordingFile[]): RecordingMatcher {
  const byRoute = new Map<string, RecordingFile[]>();
  for (const file of files) {
    const key = routeKey(file.exchange.request.method, decodePath(file.exchange.request.path));
    byRoute.set(key, [...(byRoute.get(key) ?? []), file]);
  }
  const used = new Set<RecordingFile>();

  return {
    match(request) {
      const candidates = (byRoute.get(routeKey(request.method, request.path)) ?? []).filter((file) => differences(file, request).length === 0);
      if (candidates.length === 0) return undefined;
      const best = Math.max(...candidates.map(specificity));
      const top = candidates.filter((file) => specificity(file) === best);
      const next = top.find((file) => !used.has(file)) ?? top[top.length - 1];
      if (next) used.add(next);
      return next;
    },
    nearMisses(request) {
      return (byRoute.get(routeKey(request.method, request.path)) ?? []).map((file) => ({ file: file.file, differences: differences(file, request) }));
    },
  };
}

const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

const specificity = (file: RecordingFile): number => Object.keys(file.exchange.request.query ?? {}).length + Object.keys(file.exchange.request.body ?? {}).length;

function differences(file: RecordingFile, request: RequestParts): string[] {
  const out: string[] = [];
  for (const [name, expected] of Object.entries(file.exchange.request.query ?? {})) {
    const actual = request.query.getAll(name);
    if (!sameValues(expected, actual)) out.push(`query ${name}: recorded ${JSON.stringify(expected)}, requested ${actual.length === 0 ? "nothing" : JSON.stringify(actual.length === 1 ? actual[0] : actual)}`);
  }
  for (const [name, expected] of Object.entries(file.exchange.request.body ?? {})) {
    const form = request.formValues?.getAll(name);
    const matches = form !== undefined && form.length > 0
      ? sameValues(expected as string | number | boolean | string[], form)
      : request.bodyFields !== undefined && Object.hasOwn(request.bodyFields, name) && isDeepStrictEqual(request.bodyFields[name], expected);
    if (!matches) out.push(`body ${name}: recorded ${JSON.stringify(expected)}, requested ${request.bodyFields && Object.hasOwn(request.bodyFields, name) ? JSON.stringify(request.bodyFields[name]) : "nothing"}`);
  }
  return out;
}

/** A recorded scalar equals a single value as text; a recorded list equals all values, in order. */
function sameValues(expected: unknown, actual: string[]): boolean {
  if (Array.isArray(expected)) return expected.length === actual.length && expected.every((value, index) => String(value) === actual[index]);
  return actual.length === 1 && (typeof expected === "string" || typeof expected === "number" || typeof expected === "boolean") && String(expected) === actual[0];
}
