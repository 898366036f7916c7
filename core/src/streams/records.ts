import type { ProviderRecord } from "../contracts/connector.ts";
import { isRecord } from "../contracts/is-record.ts";
import type { ProviderAnswer } from "../provider-http/answer.ts";
import { badResponse } from "../provider-http/errors.ts";
import { compilePointer } from "../spec/pointer.ts";

/**
 * The records of a page: the array at the stream's `records` pointer ("" = the body), or the one
 * object there. Nothing there (absent, null, an ignored answer) is an empty page; a body that is not
 * JSON is a bad response. Items that are not objects cannot be records and are counted as skipped.
 */
export function extractRecords(answer: ProviderAnswer, pointer: string, where: string): { records: ProviderRecord[]; skipped: number } {
  if (answer.ignored) return { records: [], skipped: 0 };
  if (answer.body === undefined) {
    throw badResponse(`${where}: the answer is not JSON (${answer.headers["content-type"] ?? "no content type"})`, { details: { status: answer.status } });
  }
  const found = compilePointer(pointer)(answer.body);
  if (found === undefined || found === null) return { records: [], skipped: 0 };
  const items = Array.isArray(found) ? found : [found];
  const records = items.filter(isRecord);
  return { records, skipped: items.length - records.length };
}

/** A record's provider id as text (ids are numbers at some providers, strings at others). */
export function recordIdReader(pointer: string): (record: ProviderRecord) => string | undefined {
  const read = compilePointer(pointer);
  return (record) => {
    const value = read(record);
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" || typeof value === "bigint") return String(value);
    return undefined;
  };
}
