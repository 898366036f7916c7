/**
 * Slicing a provider's records into pages the four ways providers page: page numbers (Peloton, Strava,
 * Wahoo), offsets (Withings, Fitbit), opaque cursors (Oura, WHOOP) and next links (Fitbit's
 * `pagination.next`, RFC 8288 `Link` headers). Pure functions: a route decides where the answer puts them.
 */

export interface PageSlice<T> {
  items: T[];
  page: number;
  pageCount: number;
  total: number;
  hasNext: boolean;
}

/** Page `page` of `size` records; the first page is numbered `start` (0 for Peloton, 1 for Strava). */
export function pageSlice<T>(records: readonly T[], { page, size, start = 1 }: { page: number; size: number; start?: number }): PageSlice<T> {
  const index = page - start;
  const from = Math.max(0, index) * size;
  const items = index < 0 ? [] : records.slice(from, from + size);
  const pageCount = Math.ceil(records.length / size);
  return { items, page, pageCount, total: records.length, hasNext: index >= 0 && from + size < records.length };
}

export interface OffsetSlice<T> {
  items: T[];
  offset: number;
  /** Where the next page starts (equal to `offset` + the records returned). */
  nextOffset: number;
  total: number;
  hasMore: boolean;
}

export function offsetSlice<T>(records: readonly T[], { offset, size }: { offset: number; size: number }): OffsetSlice<T> {
  const items = records.slice(offset, offset + size);
  const nextOffset = offset + items.length;
  return { items, offset, nextOffset, total: records.length, hasMore: nextOffset < records.length };
}

export interface CursorSlice<T> {
  items: T[];
  /** null on the last page. */
  nextCursor: string | null;
  total: number;
}

/** Opaque cursors, as providers hand them out; a cursor the mock did not issue is refused. */
export const encodeCursor = (offset: number): string => Buffer.from(`mock-cursor:${offset}`).toString("base64url");

export function decodeCursor(cursor: string): number | undefined {
  const match = /^mock-cursor:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/** Records after `cursor` (undefined = from the start); undefined when the cursor is not one of ours. */
export function cursorSlice<T>(records: readonly T[], { cursor, size }: { cursor: string | undefined; size: number }): CursorSlice<T> | undefined {
  const offset = cursor === undefined || cursor === "" ? 0 : decodeCursor(cursor);
  if (offset === undefined) return undefined;
  const items = records.slice(offset, offset + size);
  const next = offset + items.length;
  return { items, nextCursor: next < records.length ? encodeCursor(next) : null, total: records.length };
}

/** The request's URL with the paging parameters of the next page set (every other parameter kept). */
export function nextPageUrl(requestUrl: string | URL, set: Record<string, string | number>): string {
  const url = new URL(requestUrl);
  for (const [name, value] of Object.entries(set)) url.searchParams.set(name, String(value));
  return url.toString();
}

/** RFC 8288: `<https://…?page=3>; rel="next", <…>; rel="prev"`. */
export function linkHeader(links: Record<string, string | undefined>): string | undefined {
  const parts = Object.entries(links)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([rel, url]) => `<${url}>; rel="${rel}"`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/** A non-negative integer query value; undefined when absent, NaN when malformed (answer 400). */
export function integerParam(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  return /^\d+$/.test(value) ? Number(value) : Number.NaN;
}
