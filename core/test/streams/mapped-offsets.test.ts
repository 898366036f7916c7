import { describe, expect, it } from "vitest";
import { MAX_MAPPED_DAYS, MAX_STALE_DATES, noteMapped, readMappedDates, staleDates, type MappedDates } from "../../src/streams/mapped-offsets.ts";

const dateAt = (index: number) => new Date(Date.parse("2026-01-01T00:00:00Z") + index * 86_400_000).toISOString().slice(0, 10);

describe("the offsets days were mapped at", () => {
  it("a page that maps its dates as before changes nothing; a new offset or date does", () => {
    const mapped: MappedDates = {};
    expect(noteMapped(mapped, "days", { "2026-03-28": [[0, 3600]] })).toBe(true);
    expect(noteMapped(mapped, "days", { "2026-03-28": [[0, 3600]] })).toBe(false);
    expect(noteMapped(mapped, "days", { "2026-03-28": [[0, 7200]] })).toBe(true);
    expect(mapped).toEqual({ days: { "2026-03-28": [[0, 7200]] } });
  });

  it("keeps the newest dates of a stream, none before the oldest the provider still serves", () => {
    const mapped: MappedDates = {};
    const days = Object.fromEntries(Array.from({ length: MAX_MAPPED_DAYS + 10 }, (_, i) => [dateAt(i), [[0, 0]] as [number, number][]]));
    noteMapped(mapped, "days", days);
    expect(Object.keys(mapped.days!).sort()).toEqual(Array.from({ length: MAX_MAPPED_DAYS }, (_, i) => dateAt(i + 10)));
    expect(noteMapped(mapped, "days", {}, dateAt(60))).toBe(true);
    expect(Object.keys(mapped.days!).sort()).toEqual(Array.from({ length: 12 }, (_, i) => dateAt(i + 60)));
  });

  it("stale: the dates now decided otherwise, newest first, at most MAX_STALE_DATES a learn", () => {
    const mapped: MappedDates = {
      days: Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [
          dateAt(i),
          [
            [0, 0],
            [1440, 0],
          ] as [number, number][],
        ]),
      ),
    };
    // Everything from the 5th date on is now +1.
    const decide = (local: number) => (local >= Date.parse(`${dateAt(5)}T00:00:00Z`) ? 3600 : 0);
    const stale = staleDates(mapped, decide);
    expect(stale).toHaveLength(MAX_STALE_DATES);
    expect(stale[0]).toEqual({ stream: "days", date: dateAt(39), from: [0, 0], to: [3600, 3600] });
    // The 4th's end is the 5th's midnight: stale by its end alone.
    expect(staleDates(mapped, decide, { stream: "days", dates: [dateAt(3), dateAt(4)] })).toEqual([
      { stream: "days", date: dateAt(4), from: [0, 0], to: [0, 3600] },
    ]);
    expect(staleDates(mapped, () => 0)).toEqual([]);
  });

  it("reads only what is well formed from a stored row", () => {
    expect(
      readMappedDates({
        days: { "2026-03-28": [[0, 3600]], "28.03.2026": [[0, 0]], "2026-03-29": [[0, "+01:00"]], "2026-03-30": [] },
        other: "x",
        empty: {},
      }),
    ).toEqual({ days: { "2026-03-28": [[0, 3600]] } });
    expect(readMappedDates(null)).toEqual({});
  });
});
