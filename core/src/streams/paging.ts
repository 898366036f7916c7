import type { PagingSpec, StopRule } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderAnswer } from "../provider-http/answer.ts";
import type { PreparedRequest } from "../provider-http/render-request.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import { compilePointer } from "../spec/pointer.ts";

/** Where paging is inside one window; plain JSON, so a read can be continued from it. */
export interface PageState {
  /** Pages fetched so far in this window. */
  pages: number;
  /** Records received so far in this window (before filtering). */
  records: number;
  page?: number;
  offset?: number;
  cursor?: string;
  /** The next page's URL (link paging). */
  url?: string;
}

export type StopReason = "end" | "empty" | "short_page" | "flag" | "total_pages" | "total_records" | "max_pages" | "loop";

/** After a page: the next one, or why paging stops. */
export type PageAfter = { next: PageState } | { stop: StopReason };

export interface Pager {
  first(): PageState;
  /** The request for the page `state` points at. */
  request(base: PreparedRequest, state: PageState, session: ProviderSession): PreparedRequest;
  /** After a page of `count` records: the next state, or why paging stops. */
  after(state: PageState, answer: ProviderAnswer, count: number): PageAfter;
}

const DEFAULT_MAX_PAGES = 1000;

/**
 * Paging of one stream: page numbers, offsets (advanced by the records received or by the provider's
 * next offset), cursors, and links (a body pointer or the Link header). Stop rules are checked after
 * every page, any one stops; natural ends (no cursor, no next link) and maxPages stop too, and a page
 * that would repeat the last one is refused rather than looped on.
 */
export function createPager(paging: PagingSpec | undefined, where: string): Pager {
  if (!paging) {
    return {
      first: () => ({ pages: 0, records: 0 }),
      request: (base) => base,
      after: () => ({ stop: "end" }),
    };
  }
  const stops = (paging.stop ?? [{ type: "empty" }]).map((rule, index) => compileStop(rule, paging, `${where}.paging.stop[${index}]`));
  const maxPages = paging.maxPages ?? DEFAULT_MAX_PAGES;
  const size = "size" in paging ? paging.size : undefined;
  const sizeParam = "sizeParam" in paging ? paging.sizeParam : undefined;
  const placement = "in" in paging && paging.in === "body" ? "body" : "query";
  const params = (base: PreparedRequest, values: Record<string, string | number | undefined>) => withParams(base, values, placement, where);

  const finish = (state: PageState, answer: ProviderAnswer, count: number, next: PageState | undefined): PageAfter => {
    const seen = { ...state, pages: state.pages + 1, records: state.records + count };
    for (const stop of stops) {
      const reason = stop(seen, answer, count);
      if (reason) return { stop: reason };
    }
    if (!next) return { stop: "end" };
    if (seen.pages >= maxPages) return { stop: "max_pages" };
    return { next: { ...next, pages: seen.pages, records: seen.records } };
  };

  switch (paging.type) {
    case "page": {
      const first = paging.start ?? 1;
      return {
        first: () => ({ pages: 0, records: 0, page: first }),
        request: (base, state) => params(base, { [paging.param]: state.page ?? first, ...(sizeParam ? { [sizeParam]: size } : {}) }),
        after: (state, answer, count) => finish(state, answer, count, { ...state, page: (state.page ?? first) + 1 }),
      };
    }
    case "offset": {
      const nextOffset = paging.nextOffsetPath !== undefined ? compilePointer(paging.nextOffsetPath) : undefined;
      return {
        first: () => ({ pages: 0, records: 0, offset: 0 }),
        request: (base, state) => params(base, { [paging.param]: state.offset ?? 0, ...(sizeParam ? { [sizeParam]: paging.size } : {}) }),
        after: (state, answer, count) => {
          const current = state.offset ?? 0;
          const said = nextOffset ? Number(nextOffset(answer.body) ?? Number.NaN) : Number.NaN;
          const next = Number.isFinite(said) ? said : current + count;
          const result = finish(state, answer, count, { ...state, offset: next });
          return "next" in result && next <= current ? { stop: "loop" } : result;
        },
      };
    }
    case "cursor": {
      const cursorAt = compilePointer(paging.cursorPath);
      return {
        first: () => ({ pages: 0, records: 0 }),
        request: (base, state) => params(base, { [paging.param]: state.cursor, ...(sizeParam ? { [sizeParam]: size } : {}) }),
        after: (state, answer, count) => {
          const value = cursorAt(answer.body);
          const cursor = typeof value === "string" || typeof value === "number" ? String(value) : "";
          const result = finish(state, answer, count, cursor === "" ? undefined : { ...state, cursor });
          return "next" in result && cursor === state.cursor ? { stop: "loop" } : result;
        },
      };
    }
    case "link": {
      if (!paging.nextPath && !paging.linkHeader) {
        throw new UserError(ErrorCodes.SPEC_INVALID, `${where}.paging: link paging needs nextPath or linkHeader: true`, {
          hint: "Say where the next page's URL is.",
        });
      }
      const nextAt = paging.nextPath !== undefined ? compilePointer(paging.nextPath) : undefined;
      return {
        first: () => ({ pages: 0, records: 0 }),
        request: (base, state, session) => (state.url ? session.prepareUrl(state.url, { relativeTo: base.url, like: base }) : base),
        after: (state, answer, count) => {
          const fromBody = nextAt ? nextAt(answer.body) : undefined;
          const link = typeof fromBody === "string" && fromBody !== "" ? fromBody : paging.linkHeader ? nextLink(answer.headers.link) : undefined;
          // Relative links resolve against the page they came from.
          const url = link ? new URL(link, answer.url).href : undefined;
          const result = finish(state, answer, count, url ? { ...state, url } : undefined);
          return "next" in result && url === answer.url.href ? { stop: "loop" } : result;
        },
      };
    }
  }
}

function compileStop(rule: StopRule, paging: PagingSpec, where: string): (seen: PageState, answer: ProviderAnswer, count: number) => StopReason | undefined {
  switch (rule.type) {
    case "empty":
      return (_seen, _answer, count) => (count === 0 ? "empty" : undefined);
    case "short_page": {
      const size = "size" in paging ? paging.size : undefined;
      if (size === undefined)
        throw new UserError(ErrorCodes.SPEC_INVALID, `${where}: short_page needs paging.size — the length of a full page`, {
          hint: "Set paging.size (and sizeParam).",
        });
      return (_seen, _answer, count) => (count < size ? "short_page" : undefined);
    }
    case "flag": {
      const read = compilePointer(rule.path);
      return (_seen, answer) => {
        const value = read(answer.body);
        return value === undefined ||
          value === rule.equals ||
          (value !== null && rule.equals !== null && typeof value !== "object" && String(value) === String(rule.equals))
          ? "flag"
          : undefined;
      };
    }
    case "total_pages": {
      const read = compilePointer(rule.path);
      return (seen, answer) => {
        const total = Number(read(answer.body));
        return Number.isFinite(total) && seen.pages >= total ? "total_pages" : undefined;
      };
    }
    case "total_records": {
      const read = compilePointer(rule.path);
      return (seen, answer) => {
        const total = Number(read(answer.body));
        return Number.isFinite(total) && seen.records >= total ? "total_records" : undefined;
      };
    }
  }
}

/** Paging parameters into the query, or into the body (form field or top-level JSON key). */
function withParams(base: PreparedRequest, values: Record<string, string | number | undefined>, placement: "query" | "body", where: string): PreparedRequest {
  const entries = Object.entries(values).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  if (placement === "query") {
    const url = new URL(base.url);
    for (const [name, value] of entries) url.searchParams.set(name, String(value));
    return { ...base, url };
  }
  if (base.method === "GET" || base.method === "HEAD") {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${where}.paging.in is "body" but the request is a ${base.method}`, {
      hint: 'Use method: POST, or paging.in: "query".',
    });
  }
  if (!base.body || base.body.encoding === "form") {
    const form = new URLSearchParams(base.body?.encoding === "form" ? base.body.value : undefined);
    for (const [name, value] of entries) form.set(name, String(value));
    return { ...base, body: { encoding: "form", value: form } };
  }
  const json = base.body.value;
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${where}.paging.in is "body" but the request body is not an object`, {
      hint: "Make the JSON body an object, or put paging in the query.",
    });
  }
  return { ...base, body: { encoding: "json", value: { ...json, ...Object.fromEntries(entries) } } };
}

/** The rel="next" target of an RFC 8288 Link header. */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(match[2] ?? "");
    const values = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (values.includes("next")) return match[1];
  }
  return undefined;
}
