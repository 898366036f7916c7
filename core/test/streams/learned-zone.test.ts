import { describe, expect, it } from "vitest";
import { compileZoneReader, zoneText } from "../../src/streams/learned-zone.ts";

describe("a zone a provider says", () => {
  it("IANA names, offsets as text or seconds east, and the offset of a date-time; anything else is none", () => {
    expect(zoneText("Europe/Paris")).toBe("Europe/Paris");
    expect(zoneText("+0100")).toBe("+01:00");
    expect(zoneText("Z")).toBe("+00:00");
    expect(zoneText(-18000)).toBe("-05:00");
    expect(zoneText("2026-03-10T23:12:00+01:00")).toBe("+01:00"); // a Polar night's start
    for (const none of ["2026-03-10T23:12:00", "Mars/Olympus_Mons", "", null, 19 * 3600, { zone: "UTC" }]) expect(zoneText(none), String(none)).toBeUndefined();
  });

  it("from the answer, or from the page's last record that has one; minutes when the provider counts them", () => {
    expect(compileZoneReader({ in: "answer", path: "/body/timezone" })({ body: { timezone: "Asia/Tokyo" } }, [])).toEqual({ zone: "Asia/Tokyo", offsets: [] });
    const polar = compileZoneReader({ in: "record", path: "/start_time_utc_offset", unit: "minutes" });
    expect(polar([], [{ start_time_utc_offset: 60 }, { start_time_utc_offset: -330 }, {}]).zone).toBe("-05:30");
    expect(polar([], [])).toEqual({ offsets: [] });
  });

  it("every record's offset with the local date-time it holds at: its `date`, or a date-time with an offset dating itself", () => {
    const exercises = compileZoneReader({ in: "record", path: "/start_time_utc_offset", unit: "minutes", date: "/start_time" });
    const said = exercises(
      [],
      [
        { start_time: "2026-03-28T09:00:00", start_time_utc_offset: 60 },
        { start_time: "2026-03-30T18:30:00", start_time_utc_offset: 120 },
        { start_time_utc_offset: 120 }, // no date: the zone last said, no dated offset
      ],
    );
    expect(said).toEqual({
      zone: "+02:00",
      offsets: [
        { localAsUtcMs: Date.parse("2026-03-28T09:00:00Z"), offsetSeconds: 3600 },
        { localAsUtcMs: Date.parse("2026-03-30T18:30:00Z"), offsetSeconds: 7200 },
      ],
    });
    const nights = compileZoneReader({ in: "record", path: "/sleep_end_time" });
    expect(nights([], [{ sleep_end_time: "2026-03-30T06:54:00+02:00" }]).offsets).toEqual([
      { localAsUtcMs: Date.parse("2026-03-30T06:54:00Z"), offsetSeconds: 7200 },
    ]);
    // An IANA zone is no offset of a date: it answers every date itself.
    expect(compileZoneReader({ in: "record", path: "/timezone", date: "/date" })([], [{ timezone: "Europe/Paris", date: "2026-03-30" }])).toEqual({
      zone: "Europe/Paris",
      offsets: [],
    });
  });
});
