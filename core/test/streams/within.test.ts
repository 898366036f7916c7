import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamSpec } from "@tributary/schemas";
import { clientFor, specFor, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";
import { collect, executorFor, ids, stream } from "./stream-helpers.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-01T00:00:00Z");
/** One workout a day at 07:00 UTC for ten days; the window holds the fourth and fifth (w3, w4). */
const WORKOUTS = Array.from({ length: 10 }, (_, i) => ({ id: `w${i}`, starts: new Date(T0 + i * DAY + 7 * 3_600_000).toISOString() }));
const window = { start: new Date(T0 + 3 * DAY), end: new Date(T0 + 5 * DAY) };
const now = () => T0 + 30 * DAY;

/** Lists that take no end, or no range: the window is applied to each record's own time. */
describe("stream within: the window on each record's time", () => {
  let provider: MockProvider;
  let closeClient: () => Promise<void>;
  let client: ReturnType<typeof clientFor>["client"];
  const executor = executorFor({ name: "WITHIN" }, { now });

  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      // Fitbit-like: everything from afterDate on, oldest first, two a page.
      app.get("/after", async (request) => {
        const { afterDate, page } = request.query as Record<string, string>;
        const from = WORKOUTS.filter((w) => Date.parse(w.starts) >= Date.parse(`${afterDate}T00:00:00Z`));
        const index = Number(page) - 1;
        return { items: from.slice(index * 2, index * 2 + 2) };
      });
      // Wahoo-like: no range at all, newest first, two a page.
      app.get("/all", async (request) => {
        const index = Number((request.query as Record<string, string>).page) - 1;
        return { items: [...WORKOUTS].reverse().slice(index * 2, index * 2 + 2) };
      });
      // Polar-like: the last days in one answer, times local without an offset, or a day.
      app.get("/local", async () => ({
        items: [
          { id: "early", start: "2026-03-03T11:00:00" },
          { id: "edge", start: "2026-03-03T12:30:00" },
          { id: "late", start: "2026-03-06T13:59:00" },
          { id: "beyond", start: "2026-03-06T14:00:00" },
          { id: "unreadable", start: "soon" },
        ],
      }));
      // Polar-like, newest first by start, two a page: "late" was recorded before the window and synced inside it.
      app.get("/synced", async (request) => {
        const index = Number((request.query as Record<string, string>).page) - 1;
        const at = (days: number, hours: number) => new Date(T0 + days * DAY + hours * 3_600_000).toISOString();
        const items = [
          { id: "inside", starts: at(4, 7), uploaded: at(4, 8) },
          { id: "old", starts: at(1, 7), uploaded: at(1, 8) },
          { id: "late", starts: at(0, 7), uploaded: at(4, 10) },
        ];
        return { items: items.slice(index * 2, index * 2 + 2) };
      });
      app.get("/nights", async () => ({ nights: ["2026-03-02", "2026-03-03", "2026-03-06", "2026-03-07"].map((date) => ({ id: date, date })) }));
    });
    const made = clientFor(specFor(provider.url));
    client = made.client;
    closeClient = made.close;
  });
  afterAll(async () => {
    await closeClient?.();
    await provider?.close();
  });

  const read = async (spec: StreamSpec, recent = false) => {
    const before = provider.requests.length;
    const reading = executor.readStream(spec, window, { session: client.session(), recent });
    const records = await collect(reading);
    return { records, requests: provider.requests.slice(before), stats: reading.stats };
  };
  const paged = { type: "page", param: "page" } as const;

  it("a list from a start date, oldest first: records after the window are left out and paging stops at the first", async () => {
    const { records, requests, stats } = await read(
      stream({
        request: { path: "/after", query: { afterDate: "{start}" } },
        dateRange: { start: { format: "date" } },
        records: "/items",
        paging: paged,
        within: { path: "/starts", format: "datetime", order: "oldest_first" },
      }),
    );
    expect(ids(records)).toEqual(["w3", "w4"]);
    // Page 1 holds w3 and w4, page 2 starts with w5: past the window, no page 3.
    expect(requests.map((r) => r.query.page)).toEqual(["1", "2"]);
    expect(stats.filtered).toBe(2);
  });

  it("a list without a range, newest first: records before the window end the paging", async () => {
    const { records, requests } = await read(
      stream({ request: { path: "/all" }, records: "/items", paging: paged, within: { path: "/starts", format: "datetime", order: "newest_first" } }),
    );
    expect(ids(records)).toEqual(["w4", "w3"]);
    // w9 w8 | w7 w6 | w5 w4 | w3 w2: w2 is before the window.
    expect(requests.map((r) => r.query.page)).toEqual(["1", "2", "3", "4"]);
  });

  it("without an order every page is read: the window only leaves records out", async () => {
    const { records, requests } = await read(
      stream({ request: { path: "/all" }, records: "/items", paging: paged, within: { path: "/starts", format: "datetime" } }),
    );
    expect(ids(records)).toEqual(["w4", "w3"]);
    expect(requests.map((r) => r.query.page)).toEqual(["1", "2", "3", "4", "5", "6"]);
  });

  it("a local time could be in any time zone: it is left out only when no zone puts it inside; an unreadable one is kept", async () => {
    const { records } = await read(stream({ request: { path: "/local" }, records: "/items", within: { path: "/start", format: "datetime_local" } }));
    // The window is 2026-03-04T00:00Z – 2026-03-06T00:00Z: 12:30 at UTC−12 is 00:30Z the next day, 13:59 at UTC+14 is 23:59Z the day before.
    expect(ids(records)).toEqual(["edge", "late", "unreadable"]);
  });

  it("a day stands for its whole span in any time zone", async () => {
    const { records } = await read(stream({ request: { path: "/nights" }, records: "/nights", within: { path: "/date", format: "date" } }));
    expect(ids(records)).toEqual(["2026-03-03", "2026-03-06"]);
  });

  it("arrived: a read of what is new also keeps a record that reached the provider in the window, and reads a newest-first list to its end", async () => {
    const synced = stream({
      request: { path: "/synced" },
      records: "/items",
      paging: paged,
      within: { path: "/starts", format: "datetime", order: "newest_first", arrived: { path: "/uploaded", format: "datetime" } },
    });
    // A backfill or a request: by start time alone, and "old" (before the window) ends the list.
    const windowed = await read(synced);
    expect(ids(windowed.records)).toEqual(["inside"]);
    expect(windowed.requests.map((r) => r.query.page)).toEqual(["1"]);
    // A poll or a reconciliation: "late" started three days before the window and arrived inside it; "old" did neither.
    const recent = await read(synced, true);
    expect(ids(recent.records)).toEqual(["inside", "late"]);
    // To the list's end: the empty page 3.
    expect(recent.requests.map((r) => r.query.page)).toEqual(["1", "2", "3"]);
    expect(recent.stats.filtered).toBe(1);
  });
});
