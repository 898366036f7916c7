import { describe, expect, it } from "vitest";
import { isIsoDate, isIsoDateOrDateTime, isIsoDateTime } from "../src/index.ts";

describe("ISO-8601 timestamps as Terra sends them", () => {
  it.each([
    "2022-10-28T10:00:00.000000+01:00",
    "2024-01-15T09:30:00Z",
    "2025-05-14T06:51:30",
    "2025-05-14T06:51",
    "2025-05-14T06:51:30.5-0300",
    "2024-02-29T23:59:60Z",
  ])("accepts %s", (value) => {
    expect(isIsoDateTime(value)).toBe(true);
  });

  it.each(["2025-05-14", "2025-13-01T00:00:00Z", "2025-02-29T10:00:00Z", "2025-05-14T24:00:00Z", "14/05/2025 06:51", "2025-05-14T06:51:30+25:00", ""])(
    "rejects %s",
    (value) => {
      expect(isIsoDateTime(value)).toBe(false);
    },
  );

  it("dates", () => {
    expect(isIsoDate("1990-09-03")).toBe(true);
    expect(isIsoDate("1990-9-3")).toBe(false);
    expect(isIsoDateOrDateTime("1990-09-03")).toBe(true);
    expect(isIsoDateOrDateTime("2016-04-19T10:22:31.000000+00:00")).toBe(true);
    expect(isIsoDateOrDateTime("April 19")).toBe(false);
  });
});
