import type { StopRule, StreamSpec } from "@tributary/schemas";
import { cursorSlice, integerParam, linkHeader, nextPageUrl, offsetSlice, pageSlice } from "./paging.ts";
import { setPointer } from "./set-pointer.ts";

export interface StreamPageInput {
  stream: StreamSpec;
  records: readonly unknown[];
  /** A request parameter: the query's, else the body's (Withings pages in a form body). */
  param: (name: string) => string | undefined;
  /** The request's absolute URL, for next links. */
  requestUrl: string;
  /** Document the page is written into. */
  envelope?: unknown;
  defaultPageSize: number;
  maxPageSize?: number;
  link: { offsetParam: string; sizeParam?: string };
}

export type StreamPage = { ok: true; body: unknown; headers: Record<string, string> } | { ok: false; problem: string };

interface PageFacts {
  items: readonly unknown[];
  hasNext: boolean;
  pageCount: number;
  total: number;
}

/**
 * One page of a stream's answer, shaped as the stream declares it: the records at `records`, and for
 * its paging type the next page number, offset, cursor or link, with the flags and totals its stop
 * rules read. The mock thereby answers exactly what the connector's paging expects to find.
 */
export function streamPage(input: StreamPageInput): StreamPage {
  const { stream, records } = input;
  const paging = stream.paging;
  const headers: Record<string, string> = {};
  let body: unknown = input.envelope === undefined ? {} : structuredClone(input.envelope);
  const put = (pointer: string, value: unknown) => {
    body = setPointer(body, pointer, value);
  };

  const sizeFrom = (declared: number | undefined, sizeParam: string | undefined): number | string => {
    const asked = integerParam(sizeParam ? input.param(sizeParam) : undefined);
    if (asked !== undefined && Number.isNaN(asked)) return `${sizeParam} must be a whole number`;
    const size = declared ?? asked ?? input.defaultPageSize;
    if (size < 1) return `${sizeParam ?? "page size"} must be at least 1`;
    return input.maxPageSize !== undefined ? Math.min(size, input.maxPageSize) : size;
  };

  let facts: PageFacts;
  if (!paging) {
    facts = { items: records, hasNext: false, pageCount: 1, total: records.length };
  } else if (paging.type === "page") {
    const size = sizeFrom(paging.size, paging.sizeParam);
    if (typeof size === "string") return { ok: false, problem: size };
    const start = paging.start ?? 1;
    const page = integerParam(input.param(paging.param)) ?? start;
    if (Number.isNaN(page)) return { ok: false, problem: `${paging.param} must be a whole number` };
    const slice = pageSlice(records, { page, size, start });
    facts = { items: slice.items, hasNext: slice.hasNext, pageCount: slice.pageCount, total: slice.total };
  } else if (paging.type === "offset") {
    const size = sizeFrom(paging.size, paging.sizeParam);
    if (typeof size === "string") return { ok: false, problem: size };
    const offset = integerParam(input.param(paging.param)) ?? 0;
    if (Number.isNaN(offset)) return { ok: false, problem: `${paging.param} must be a whole number` };
    const slice = offsetSlice(records, { offset, size });
    if (paging.nextOffsetPath) put(paging.nextOffsetPath, slice.nextOffset);
    facts = { items: slice.items, hasNext: slice.hasMore, pageCount: Math.ceil(records.length / size), total: slice.total };
  } else if (paging.type === "cursor") {
    const size = sizeFrom(paging.size, paging.sizeParam);
    if (typeof size === "string") return { ok: false, problem: size };
    const slice = cursorSlice(records, { cursor: input.param(paging.param), size });
    if (!slice) return { ok: false, problem: `${paging.param} is not a cursor this provider issued` };
    put(paging.cursorPath, slice.nextCursor);
    facts = { items: slice.items, hasNext: slice.nextCursor !== null, pageCount: Math.ceil(records.length / size), total: slice.total };
  } else {
    const size = sizeFrom(undefined, input.link.sizeParam);
    if (typeof size === "string") return { ok: false, problem: size };
    const offset = integerParam(input.param(input.link.offsetParam)) ?? 0;
    if (Number.isNaN(offset)) return { ok: false, problem: `${input.link.offsetParam} must be a whole number` };
    const slice = offsetSlice(records, { offset, size });
    const next = slice.hasMore
      ? nextPageUrl(input.requestUrl, { [input.link.offsetParam]: slice.nextOffset, ...(input.link.sizeParam ? { [input.link.sizeParam]: size } : {}) })
      : undefined;
    if (paging.nextPath) put(paging.nextPath, next ?? "");
    const link = paging.linkHeader ? linkHeader({ next }) : undefined;
    if (link) headers.link = link;
    facts = { items: slice.items, hasNext: slice.hasMore, pageCount: Math.ceil(records.length / size), total: slice.total };
  }

  for (const rule of paging?.stop ?? []) applyStopRule(rule, facts, put);
  put(stream.records ?? "", facts.items);
  return { ok: true, body, headers };
}

function applyStopRule(rule: StopRule, facts: PageFacts, put: (pointer: string, value: unknown) => void): void {
  if (rule.type === "flag") put(rule.path, facts.hasNext ? differentFrom(rule.equals) : rule.equals);
  else if (rule.type === "total_pages") put(rule.path, facts.pageCount);
  else if (rule.type === "total_records") put(rule.path, facts.total);
}

/** A value present and unequal to `stop`, of the same kind: true for false, 1 for 0, "true" for "false". */
function differentFrom(stop: boolean | number | string | null): boolean | number | string {
  if (typeof stop === "boolean") return !stop;
  if (typeof stop === "number") return stop === 0 ? 1 : 0;
  if (stop === null) return true;
  if (stop === "false") return "true";
  if (stop === "0") return "1";
  return stop === "" ? "more" : "";
}

/** Paging metadata a stream needs in the body, which a body that is the bare array cannot carry. */
export function bodyFieldsNeeded(stream: StreamSpec): string[] {
  const paging = stream.paging;
  if (!paging) return [];
  const fields: string[] = (paging.stop ?? [])
    .filter((rule) => rule.type === "flag" || rule.type === "total_pages" || rule.type === "total_records")
    .map((rule) => rule.type);
  if (paging.type === "offset" && paging.nextOffsetPath) fields.push("nextOffsetPath");
  if (paging.type === "cursor") fields.push("cursorPath");
  if (paging.type === "link" && paging.nextPath) fields.push("nextPath");
  return fields;
}
