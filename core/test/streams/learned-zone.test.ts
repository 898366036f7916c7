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
    expect(compileZoneReader({ in: "answer", path: "/body/timezone" })({ body: { timezone: "Asia/Tokyo" } }, [])).toBe("Asia/Tokyo");
    const polar = compileZoneReader({ in: "record", path: "/start_time_utc_offset", unit: "minutes" });
    expect(polar([], [{ start_time_utc_offset: 60 }, { start_time_utc_offset: -330 }, {}])).toBe("-05:30");
    expect(polar([], [])).toBeUndefined();
  });
});
