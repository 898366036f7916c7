import { terraTimestamp } from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import { instantMs } from "../src/instants.ts";

describe("instantMs", () => {
  it("reads Terra timestamps as Date.parse does, across centuries, leap days and UTC offsets", () => {
    const offsets = [0, 60, -300, 330, -570, 765, -720, 840];
    // One instant every ~3.1 days from 1901 to 2099, at varying times of day and milliseconds.
    for (let ms = Date.UTC(1901, 0, 1, 0, 0, 0, 1), i = 0; ms < Date.UTC(2099, 11, 31); ms += 271_234_567, i++) {
      const timestamp = terraTimestamp(ms, offsets[i % offsets.length]!);
      expect(instantMs(timestamp), timestamp).toBe(Date.parse(timestamp));
    }
    for (const leap of ["2024-02-29T23:59:59.999000+00:00", "2000-02-29T12:00:00Z", "2100-03-01T00:00:00Z", "1904-02-29T00:00:00-01:00"]) {
      expect(instantMs(leap), leap).toBe(Date.parse(leap));
    }
  });

  it("reads the forms around Terra's: Z, no or short fractions, an offset without a colon, a local time as UTC, others by Date.parse", () => {
    // Microseconds round to the nearest millisecond, in Terra's form as in the others.
    expect(instantMs("2026-11-02T07:04:11.123456+01:00")).toBe(Date.UTC(2026, 10, 2, 6, 4, 11, 123));
    expect(instantMs("2026-11-02T07:04:11.123556+01:00")).toBe(Date.UTC(2026, 10, 2, 6, 4, 11, 124));
    expect(instantMs("2026-11-02T07:04:11.123556Z")).toBe(Date.UTC(2026, 10, 2, 7, 4, 11, 124));
    expect(instantMs("2026-11-02T07:04:11Z")).toBe(Date.UTC(2026, 10, 2, 7, 4, 11));
    expect(instantMs("2026-11-02T07:04:11.5Z")).toBe(Date.UTC(2026, 10, 2, 7, 4, 11, 500));
    expect(instantMs("2026-11-02T07:04:11.25+0100")).toBe(Date.UTC(2026, 10, 2, 6, 4, 11, 250));
    expect(instantMs("2026-11-02T07:04:11.000000")).toBe(Date.UTC(2026, 10, 2, 7, 4, 11));
    expect(instantMs("2026-11-02T07:04:11")).toBe(Date.UTC(2026, 10, 2, 7, 4, 11));
    expect(instantMs("2026-11-02T07:04+01:00"), "no seconds: Date.parse's").toBe(Date.UTC(2026, 10, 2, 6, 4));
    expect(instantMs("not a time")).toBeNaN();
  });
});
