import { describe, expect, it } from "vitest";
import { addOffsets, MAX_LEARNED_DAYS, offsetAt, type DayOffsets } from "../../src/streams/dated-offsets.ts";
import { zoneForLocal, zoneForValue } from "../../src/streams/learned-zone.ts";

const H = 3600;
/** What a record says: its local date-time (no offset) and its offset in hours. */
const seen = (local: string, hours: number) => ({ localAsUtcMs: Date.parse(`${local}Z`), offsetSeconds: hours * H });
const at = (days: DayOffsets, local: string) => {
  const offset = offsetAt(days, Date.parse(`${local}Z`));
  return offset === undefined ? undefined : offset / H;
};
const learned = (...said: ReturnType<typeof seen>[]) => {
  const days: DayOffsets = {};
  addOffsets(days, said);
  return days;
};

describe("the offset of a local date, from the offsets seen around it", () => {
  // Summer time in 2026 begins on Sunday 29 March, 01:00 UTC, all over the EU.
  it("a summer-time week in Berlin, sessions on both sides: each day at its own offset, the change day decided by the zones that fit", () => {
    const days = learned(seen("2026-03-26T19:00:00", 1), seen("2026-03-28T09:00:00", 1), seen("2026-03-30T07:00:00", 2), seen("2026-04-01T18:00:00", 2));
    expect(days).toEqual({
      "2026-03-26": [3600, 1140],
      "2026-03-28": [3600, 540],
      "2026-03-30": [7200, 420],
      "2026-04-01": [7200, 1080],
    });
    // Days inside a run of one offset: that offset, seen that day or not.
    expect(at(days, "2026-03-27T00:00:00")).toBe(1);
    expect(at(days, "2026-03-28T00:00:00")).toBe(1);
    expect(at(days, "2026-03-31T00:00:00")).toBe(2);
    // Between +1 (Saturday) and +2 (Monday): every zone that fits both (Europe/Berlin, Paris, Oslo…) changes at
    // 01:00 UTC on Sunday — Sunday's midnight is still +1, its noon +2, Monday's midnight +2.
    expect(at(days, "2026-03-29T00:00:00")).toBe(1);
    expect(at(days, "2026-03-29T12:00:00")).toBe(2);
    expect(at(days, "2026-03-30T00:00:00")).toBe(2);
    // Before the first and after the last offset seen: the nearest (the latest, for days after it).
    expect(at(days, "2026-03-01T00:00:00")).toBe(1);
    expect(at(days, "2026-04-20T00:00:00")).toBe(2);
  });

  it("the same week in Helsinki (+2 → +3), and the change day's own session after the change", () => {
    const days = learned(seen("2026-03-27T18:00:00", 2), seen("2026-03-29T10:00:00", 3), seen("2026-03-31T07:00:00", 3));
    // Sunday's session at 10:00 says +3, Friday's +2: Sunday began at +2 (the change was at 04:00 local) in most zones
    // that fit (Helsinki, Riga, Athens…; Chisinau and Beirut change at midnight).
    expect(at(days, "2026-03-29T00:00:00")).toBe(2);
    expect(at(days, "2026-03-30T00:00:00")).toBe(3);
    expect(at(days, "2026-03-28T00:00:00")).toBe(2);
  });

  it("a travel week, Berlin → New York → Berlin: no zone changes by six hours, so a day between is read at the day seen that date, else the later one", () => {
    const days = learned(
      seen("2026-06-01T07:00:00", 2),
      seen("2026-06-02T08:00:00", 2),
      seen("2026-06-04T07:30:00", -4),
      seen("2026-06-05T19:00:00", -4),
      seen("2026-06-07T09:00:00", 2),
    );
    expect(at(days, "2026-06-02T00:00:00")).toBe(2);
    expect(at(days, "2026-06-02T23:00:00")).toBe(2); // Tuesday's own offset, though Thursday's differs
    expect(at(days, "2026-06-03T00:00:00")).toBe(-4); // the flight day: the later
    expect(at(days, "2026-06-04T00:00:00")).toBe(-4);
    expect(at(days, "2026-06-06T00:00:00")).toBe(2);
    expect(at(days, "2026-06-07T00:00:00")).toBe(2);
  });

  it("a date keeps the offset seen earliest in its day (what its midnight had), whatever the order it was seen in", () => {
    const days = learned(seen("2026-03-29T10:00:00", 2), seen("2026-03-29T01:30:00", 1), seen("2026-03-29T12:00:00", 2));
    expect(days).toEqual({ "2026-03-29": [3600, 90] });
    expect(addOffsets(days, [seen("2026-03-29T01:30:00", 1), seen("2026-03-29T18:00:00", 2)])).toBe(false);
  });

  it(`keeps at most ${MAX_LEARNED_DAYS} dates: the inside of a run of one offset first, then the oldest`, () => {
    const days: DayOffsets = {};
    const base = Date.parse("2025-01-01T12:00:00Z");
    // 150 days at +1, then 150 at +2: only the ends of the runs answer differently.
    addOffsets(
      days,
      Array.from({ length: 300 }, (_, i) => ({ localAsUtcMs: base + i * 86_400_000, offsetSeconds: i < 150 ? H : 2 * H })),
    );
    expect(Object.keys(days)).toHaveLength(MAX_LEARNED_DAYS);
    expect(days["2025-01-01"]).toEqual([3600, 720]);
    expect(days["2025-05-30"]).toEqual([3600, 720]); // the last day at +1
    expect(days["2025-05-31"]).toEqual([7200, 720]); // the first at +2
    expect(at(days, "2025-03-01T00:00:00")).toBe(1);
    expect(at(days, "2025-07-01T00:00:00")).toBe(2);
    // A year of changes every day cannot be thinned: the oldest go.
    const busy: DayOffsets = {};
    addOffsets(
      busy,
      Array.from({ length: 300 }, (_, i) => ({ localAsUtcMs: base + i * 86_400_000, offsetSeconds: (i % 2) * H })),
    );
    expect(Object.keys(busy)).toHaveLength(MAX_LEARNED_DAYS);
    expect(Object.keys(busy).sort()[0]).toBe("2025-04-11");
  });
});

describe("the zone a record field is read in ({timezone.at.<field>})", () => {
  const berlinWeek = learned(seen("2026-03-28T09:00:00", 1), seen("2026-03-30T07:00:00", 2));

  it("an IANA zone learned answers every date itself, over any offsets", () => {
    expect(zoneForValue({ zone: "Europe/Helsinki", days: berlinWeek }, "2026-03-28T00:00:00")).toBe("Europe/Helsinki");
  });

  it("a local date-time: the offset of its date; a date-time with an offset: its own", () => {
    const known = { zone: "+02:00", days: berlinWeek };
    expect(zoneForValue(known, "2026-03-28T00:00:00")).toBe("+01:00");
    expect(zoneForValue(known, "2026-03-29T00:00:00")).toBe("+01:00");
    expect(zoneForValue(known, "2026-03-30T00:00:00")).toBe("+02:00");
    expect(zoneForValue(known, "2026-03-28")).toBe("+01:00");
    expect(zoneForValue(known, "2026-03-28T00:00:00-05:00")).toBe("-05:00");
    // Not a time: the zone last said, as {timezone}.
    expect(zoneForValue(known, 42)).toBe("+02:00");
  });

  it("a row from before dated offsets (one offset) reads as it did; nothing learned: none (UTC, as today)", () => {
    expect(zoneForLocal({ zone: "+01:00", days: {} }, Date.parse("2026-03-30T00:00:00Z"))).toBe("+01:00");
    expect(zoneForLocal({ days: {} }, Date.parse("2026-03-30T00:00:00Z"))).toBeUndefined();
    expect(zoneForValue({ days: {} }, "2026-03-30T00:00:00")).toBeUndefined();
  });
});
