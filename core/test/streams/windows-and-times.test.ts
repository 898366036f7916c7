import { describe, expect, it } from "vitest";
import { nextLink } from "../../src/streams/paging.ts";
import { parseTime, renderEnd, renderStart } from "../../src/streams/time-format.ts";
import { timeZone } from "../../src/mapping/time.ts";
import { clampWindow, stepWindows } from "../../src/streams/windows.ts";

const at = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

describe("{start} and {end} in each time format", () => {
  const start = at("2024-01-01T10:20:30.000Z");
  const end = at("2024-01-03T00:00:00.000Z");

  it("start is the first day or instant, rounded down", () => {
    expect(renderStart(start, { format: "date" })).toBe("2024-01-01");
    expect(renderStart(start, { format: "datetime" })).toBe("2024-01-01T10:20:30Z");
    expect(renderStart(start + 5, { format: "datetime" })).toBe("2024-01-01T10:20:30.005Z");
    expect(renderStart(start, { format: "datetime_local" })).toBe("2024-01-01T10:20:30");
    expect(renderStart(start + 999, { format: "unix_seconds" })).toBe(String(start / 1000));
    expect(renderStart(start, { format: "unix_ms" })).toBe(String(start));
  });

  it("an exclusive end is rounded up so the last moments are in; an inclusive end is the last day or instant inside", () => {
    expect(renderEnd(end, { format: "date" })).toBe("2024-01-03");
    expect(renderEnd(end, { format: "date", inclusive: true })).toBe("2024-01-02");
    expect(renderEnd(end + 1, { format: "date" })).toBe("2024-01-04");
    expect(renderEnd(end + 1, { format: "date", inclusive: true })).toBe("2024-01-03");
    expect(renderEnd(end, { format: "unix_seconds" })).toBe(String(end / 1000));
    expect(renderEnd(end, { format: "unix_seconds", inclusive: true })).toBe(String(end / 1000 - 1));
    expect(renderEnd(end + 500, { format: "unix_seconds" })).toBe(String(end / 1000 + 1));
    expect(renderEnd(end, { format: "unix_ms", inclusive: true })).toBe(String(end - 1));
    expect(renderEnd(end, { format: "datetime" })).toBe("2024-01-03T00:00:00Z");
    expect(renderEnd(end, { format: "datetime", inclusive: true })).toBe("2024-01-02T23:59:59.999Z");
    expect(renderEnd(end, { format: "datetime_local", inclusive: true })).toBe("2024-01-02T23:59:59.999");
  });

  it("reads record times in each format, local times as UTC, PHP's spacing and microseconds", () => {
    expect(parseTime("2024-01-02", "date")).toBe(at("2024-01-02T00:00:00Z"));
    expect(parseTime("2024-01-02T10:00:00+02:00", "datetime")).toBe(at("2024-01-02T08:00:00Z"));
    expect(parseTime("2024-01-02T10:00:00.123456-05:00", "datetime")).toBe(at("2024-01-02T15:00:00.123Z"));
    expect(parseTime("2017-11-02 13:54:15.000000", "datetime_local")).toBe(at("2017-11-02T13:54:15Z"));
    expect(parseTime(1670191506, "unix_seconds")).toBe(1670191506000);
    expect(parseTime("1670191506", "unix_seconds")).toBe(1670191506000);
    expect(parseTime(1509630855000, "unix_ms")).toBe(1509630855000);
    for (const [value, format] of [
      ["yesterday", "datetime"],
      [null, "unix_ms"],
      ["2024-13-45", "date"],
      [{}, "date"],
      ["12abc", "unix_seconds"],
    ] as const) {
      expect(parseTime(value, format)).toBeUndefined();
    }
  });
});

describe("windows", () => {
  const now = at("2024-06-15T12:00:00Z");

  it("are clamped to the provider's history and to now plus a margin; whole days for date-based streams", () => {
    expect(
      clampWindow(
        { start: at("2020-01-01T00:00:00Z"), end: at("2030-01-01T00:00:00Z") },
        { now, maxHistoryDays: 30, futureMarginMs: 60_000, wholeDays: false },
      ),
    ).toEqual({
      start: now - 30 * DAY,
      end: now + 60_000,
    });
    expect(clampWindow({ start: at("2024-06-10T08:00:00Z"), end: at("2024-06-30T00:00:00Z") }, { now, futureMarginMs: 60_000, wholeDays: true })).toEqual({
      start: at("2024-06-10T00:00:00Z"),
      end: at("2024-06-16T00:00:00Z"),
    });
    expect(clampWindow({ start: now + DAY, end: now + 2 * DAY }, { now, futureMarginMs: 0, wholeDays: false })).toBeUndefined();
    expect(
      clampWindow({ start: at("2019-01-01T00:00:00Z"), end: at("2019-02-01T00:00:00Z") }, { now, maxHistoryDays: 365, futureMarginMs: 0, wholeDays: false }),
    ).toBeUndefined();
  });

  it("step through maxWindowDays oldest first or newest first, lazily", () => {
    const window = { start: at("2024-01-01T00:00:00Z"), end: at("2024-01-26T00:00:00Z") };
    const days = (w: { start: number; end: number }) => [new Date(w.start).toISOString().slice(5, 10), new Date(w.end).toISOString().slice(5, 10)];
    expect([...stepWindows(window, 10, "oldest_first")].map(days)).toEqual([
      ["01-01", "01-11"],
      ["01-11", "01-21"],
      ["01-21", "01-26"],
    ]);
    expect([...stepWindows(window, 10, "newest_first")].map(days)).toEqual([
      ["01-16", "01-26"],
      ["01-06", "01-16"],
      ["01-01", "01-06"],
    ]);
    expect([...stepWindows(window, undefined)]).toEqual([window]);
    const fiveYears = stepWindows({ start: 0, end: 5 * 365 * DAY }, 1);
    expect(fiveYears.next().value).toEqual({ start: 0, end: DAY });
  });

  it("local days: whole days and steps from local midnight to local midnight, 23 hours when the clocks go forward", () => {
    const paris = timeZone("Europe/Paris");
    const iso = (w: { start: number; end: number }) => [new Date(w.start).toISOString(), new Date(w.end).toISOString()];
    // 28–29 March 2026 asked in UTC: Paris' 28th begins at 23:00Z on the 27th; 30 March 00:00Z is 02:00 CEST on the 30th.
    const window = clampWindow(
      { start: at("2026-03-28T00:00:00Z"), end: at("2026-03-30T00:00:00Z") },
      { now: at("2026-04-15T00:00:00Z"), futureMarginMs: 0, wholeDays: true, zone: paris },
    )!;
    expect(iso(window)).toEqual(["2026-03-27T23:00:00.000Z", "2026-03-30T22:00:00.000Z"]);
    expect([...stepWindows(window, 1, "oldest_first", paris)].map(iso)).toEqual([
      ["2026-03-27T23:00:00.000Z", "2026-03-28T23:00:00.000Z"],
      ["2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"],
      ["2026-03-29T22:00:00.000Z", "2026-03-30T22:00:00.000Z"],
    ]);
    expect([...stepWindows(window, 2, "newest_first", paris)].map(iso)).toEqual([
      ["2026-03-28T23:00:00.000Z", "2026-03-30T22:00:00.000Z"],
      ["2026-03-27T23:00:00.000Z", "2026-03-28T23:00:00.000Z"],
    ]);
    // A window already on local midnights stays; 25 hours when they go back (New York, 1 November 2026).
    const york = timeZone("America/New_York");
    const november = { start: at("2026-11-01T04:00:00Z"), end: at("2026-11-02T05:00:00Z") };
    expect(clampWindow(november, { now: at("2026-12-01T00:00:00Z"), futureMarginMs: 0, wholeDays: true, zone: york })).toEqual(november);
    expect([...stepWindows(november, 1, "oldest_first", york)]).toEqual([november]);
  });
});

describe("Link header", () => {
  it("finds rel=next among others, quoted or not, with commas in URLs", () => {
    expect(nextLink('<https://a.test/x?page=1>; rel="prev", <https://a.test/x?page=3&f=a,b>; rel="next"')).toBe("https://a.test/x?page=3&f=a,b");
    expect(nextLink('</items?cursor=abc>; rel=next; title="more"')).toBe("/items?cursor=abc");
    expect(nextLink('<https://a.test/2>; rel="next last"')).toBe("https://a.test/2");
    expect(nextLink('<https://a.test/1>; rel="first"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
