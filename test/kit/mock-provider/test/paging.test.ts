import { describe, expect, it } from "vitest";
import { cursorSlice, decodeCursor, encodeCursor, linkHeader, nextPageUrl, offsetSlice, pageSlice } from "../index.ts";

const records = Array.from({ length: 7 }, (_, i) => ({ id: i }));
const ids = (items: Array<{ id: number }>) => items.map((r) => r.id);

describe("paging helpers", () => {
  it("page numbers from 0 (Peloton) or 1 (Strava), with page counts and an empty page past the end", () => {
    expect(pageSlice(records, { page: 0, size: 3, start: 0 })).toMatchObject({
      items: [{ id: 0 }, { id: 1 }, { id: 2 }],
      pageCount: 3,
      total: 7,
      hasNext: true,
    });
    expect(pageSlice(records, { page: 3, size: 3 })).toMatchObject({ items: [{ id: 6 }], hasNext: false });
    expect(pageSlice(records, { page: 4, size: 3 }).items).toEqual([]);
    expect(pageSlice(records, { page: 0, size: 3 }).items).toEqual([]);
    expect(pageSlice([], { page: 1, size: 3 })).toMatchObject({ items: [], pageCount: 0, hasNext: false });
  });

  it("offsets advance by the records returned", () => {
    expect(offsetSlice(records, { offset: 5, size: 3 })).toMatchObject({ nextOffset: 7, hasMore: false, total: 7 });
    expect(ids(offsetSlice(records, { offset: 2, size: 3 }).items)).toEqual([2, 3, 4]);
  });

  it("cursors are opaque, walk every record once, end with null, and a forged one is refused", () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const slice = cursorSlice(records, { cursor, size: 3 });
      if (!slice) throw new Error("refused");
      seen.push(...ids(slice.items));
      if (slice.nextCursor === null) break;
      expect(slice.nextCursor).not.toMatch(/\d$/);
      cursor = slice.nextCursor;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    expect(cursorSlice(records, { cursor: "3", size: 3 })).toBeUndefined();
  });

  it("builds next links keeping the other parameters, and RFC 8288 Link headers", () => {
    const next = nextPageUrl("https://api.example/1/list.json?afterDate=2024-04-01&sort=asc&offset=0&limit=100", { offset: 100 });
    expect(next).toBe("https://api.example/1/list.json?afterDate=2024-04-01&sort=asc&offset=100&limit=100");
    expect(linkHeader({ next, prev: undefined })).toBe(`<${next}>; rel="next"`);
    expect(linkHeader({ next: undefined })).toBeUndefined();
  });
});
