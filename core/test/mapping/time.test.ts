import { describe, expect, it } from "vitest";
import { formatTimestamp, localToInstant, parseDateTime, readOffset, timeZone } from "../../src/mapping/time.ts";
import { convertTime } from "../../src/mapping/time-rule.ts";
import { compileMapping } from "../../src/mapping/index.ts";

const utc = (text: string) => Date.parse(text);
const ok = (value: string) => value;
const local = (text: string) => parseDateTime(text)!.localAsUtcMs;

describe("timestamps", () => {
  it("writes Terra's format: local wall-clock time, microseconds, the offset", () => {
    expect(formatTimestamp(utc("2022-12-04T22:05:06Z"), -5 * 3600)).toBe("2022-12-04T17:05:06.000000-05:00");
    expect(formatTimestamp(utc("2022-12-04T22:05:06.789Z"), 0)).toBe("2022-12-04T22:05:06.789000+00:00");
    expect(formatTimestamp(utc("2024-01-01T00:00:00Z"), 19800)).toBe("2024-01-01T05:30:00.000000+05:30");
    expect(formatTimestamp(utc("2023-12-31T23:59:59.999Z"), 3600)).toBe("2024-01-01T00:59:59.999000+01:00");
    expect(formatTimestamp(utc("1969-12-31T23:59:59Z"), 0)).toBe("1969-12-31T23:59:59.000000+00:00");
  });

  it("reads offsets as seconds east or as text", () => {
    expect(readOffset(-25200)).toBe(-25200);
    expect(readOffset("-05:00")).toBe(-18000);
    expect(readOffset("+0530")).toBe(19800);
    expect(readOffset("Z")).toBe(0);
    expect(readOffset("3600")).toBe(3600);
    for (const bad of ["+25:00", "EST", "", 100000, null, {}]) expect(() => readOffset(bad), String(bad)).toThrow(/not a UTC offset/);
  });

  it("parses ISO-8601 with and without offsets, with any fraction, with a space separator", () => {
    expect(parseDateTime("2024-04-10T07:00:00.000+02:00")).toEqual({ localAsUtcMs: utc("2024-04-10T07:00:00Z"), offsetSeconds: 7200, dateOnly: false });
    expect(parseDateTime("2017-11-02 13:54:15.000000")).toEqual({ localAsUtcMs: utc("2017-11-02T13:54:15Z"), dateOnly: false });
    expect(parseDateTime("2021-01-01T00:00:00.000000+00:00")!.offsetSeconds).toBe(0);
    expect(parseDateTime("2022-04-24T02:25:44.774Z")!.localAsUtcMs).toBe(utc("2022-04-24T02:25:44.774Z"));
    expect(parseDateTime("2024-02-21")).toEqual({ localAsUtcMs: utc("2024-02-21T00:00:00Z"), dateOnly: true });
    for (const bad of ["2023-02-30", "2024-13-01", "yesterday", "2024-01-01T25:00:00", "1".repeat(100)]) expect(parseDateTime(bad), bad).toBeUndefined();
  });
});

describe("time zones across daylight-saving changes", () => {
  it("gives each instant the offset in force (Europe/Paris, spring and autumn)", () => {
    const paris = timeZone("Europe/Paris");
    expect(paris.offsetAt(utc("2026-03-29T00:59:59Z"))).toBe(3600);
    expect(paris.offsetAt(utc("2026-03-29T01:00:00Z"))).toBe(7200);
    expect(paris.offsetAt(utc("2026-10-25T00:59:59Z"))).toBe(7200);
    expect(paris.offsetAt(utc("2026-10-25T01:00:00Z"))).toBe(3600);
  });

  it("handles half-hour zones and half-hour shifts (Asia/Kolkata, Australia/Lord_Howe)", () => {
    expect(timeZone("Asia/Kolkata").offsetAt(utc("2026-06-01T00:00:00Z"))).toBe(19800);
    const lordHowe = timeZone("Australia/Lord_Howe");
    expect(lordHowe.offsetAt(utc("2026-04-04T14:59:00Z"))).toBe(11 * 3600);
    expect(lordHowe.offsetAt(utc("2026-04-04T15:00:00Z"))).toBe(10.5 * 3600);
  });

  it("resolves local times: the repeated hour takes the earlier instant, the skipped hour moves forward", () => {
    const york = timeZone("America/New_York");
    expect(localToInstant(local("2026-07-01T12:00:00"), york)).toBe(utc("2026-07-01T16:00:00Z"));
    expect(localToInstant(local("2026-01-15T12:00:00"), york)).toBe(utc("2026-01-15T17:00:00Z"));
    // 2026-11-01 01:30 happens twice in New York (EDT, then EST): the first.
    expect(localToInstant(local("2026-11-01T01:30:00"), york)).toBe(utc("2026-11-01T05:30:00Z"));
    // 2026-03-08 02:30 does not exist in New York: read as 03:30 EDT.
    expect(localToInstant(local("2026-03-08T02:30:00"), york)).toBe(utc("2026-03-08T07:30:00Z"));
    // Southern hemisphere: Sydney's clocks go back on 2026-04-05 at 03:00 AEDT.
    const sydney = timeZone("Australia/Sydney");
    expect(localToInstant(local("2026-04-05T02:30:00"), sydney)).toBe(utc("2026-04-04T15:30:00Z"));
    expect(localToInstant(local("2026-04-05T03:30:00"), sydney)).toBe(utc("2026-04-04T17:30:00Z"));
  });

  it("adds sample offsets to a start and shows each sample at the offset in force then", () => {
    const start = utc("2026-03-29T00:59:58Z") / 1000; // 01:59:58 in Paris, two seconds before 03:00 CEST
    const at = (seconds: number) => convertTime(start, "unix_seconds", "datetime", seconds, undefined, "Europe/Paris");
    expect(at(0)).toEqual(ok("2026-03-29T01:59:58.000000+01:00"));
    expect(at(1)).toEqual(ok("2026-03-29T01:59:59.000000+01:00"));
    expect(at(2)).toEqual(ok("2026-03-29T03:00:00.000000+02:00"));
    expect(at(3601.5)).toEqual(ok("2026-03-29T03:59:59.500000+02:00"));
    const autumn = utc("2026-11-01T05:59:59Z") / 1000; // 01:59:59 EDT, then 01:00:00 EST
    expect(convertTime(autumn, "unix_seconds", "datetime", 1, undefined, "America/New_York")).toEqual(ok("2026-11-01T01:00:00.000000-05:00"));
  });

  it('accepts Strava\'s "(GMT-08:00) America/Los_Angeles" and refuses unknown zones', () => {
    expect(timeZone("(GMT-08:00) America/Los_Angeles").offsetAt(utc("2018-05-02T12:15:09Z"))).toBe(-7 * 3600);
    expect(() => timeZone("Mars/Olympus_Mons")).toThrow(/unknown time zone "Mars\/Olympus_Mons"/);
  });
});

describe("time rule formats", () => {
  const run = (
    value: unknown,
    format: Parameters<typeof convertTime>[1],
    inputs: { add?: unknown; offset?: unknown; zone?: unknown } = {},
    output: "datetime" | "date" = "datetime",
  ) => convertTime(value, format, output, inputs.add, inputs.offset, inputs.zone);

  it("unix seconds and milliseconds, numbers or numeric text; UTC unless told otherwise", () => {
    expect(run(1670191506, "unix_seconds")).toEqual(ok("2022-12-04T22:05:06.000000+00:00"));
    expect(run("1670191506", "unix_seconds", { zone: "America/New_York" })).toEqual(ok("2022-12-04T17:05:06.000000-05:00"));
    expect(run(1509630855000, "unix_ms", { offset: "+01:00" })).toEqual(ok("2017-11-02T14:54:15.000000+01:00"));
    expect(run(1512234126, "unix_seconds", { offset: -25200 })).toEqual(ok("2017-12-02T10:02:06.000000-07:00")); // Garmin startTimeOffsetInSeconds
  });

  it("datetime with an offset keeps its instant; an offset or zone in the rule only changes how it is shown", () => {
    expect(run("2022-04-24T02:25:44.774Z", "datetime")).toEqual(ok("2022-04-24T02:25:44.774000+00:00"));
    expect(run("2022-04-24T02:25:44.774Z", "datetime", { offset: "-05:00" })).toEqual(ok("2022-04-23T21:25:44.774000-05:00")); // WHOOP timezone_offset
    expect(run("2018-05-02T12:15:09Z", "datetime", { offset: -25200 })).toEqual(ok("2018-05-02T05:15:09.000000-07:00")); // Strava utc_offset
    expect(run("2022-07-12T01:05:14-07:00", "datetime")).toEqual(ok("2022-07-12T01:05:14.000000-07:00"));
  });

  it("local times need an offset or a zone, and get one", () => {
    expect(run("2024-02-20T23:21:30.000", "datetime_local", { zone: "Europe/London" })).toEqual(ok("2024-02-20T23:21:30.000000+00:00"));
    expect(run("2024-05-15T12:00:00", "datetime_local", { offset: 120 * 60 })).toEqual(ok("2024-05-15T12:00:00.000000+02:00")); // Polar minutes × 60
    expect(run("2017-11-02 13:54:15.000000", "datetime_local", { zone: "UTC" })).toEqual(ok("2017-11-02T13:54:15.000000+00:00")); // Xert's PHP date
    expect(run("2024-02-20T23:21:30.000", "datetime_local")).toEqual({ problem: expect.stringMatching(/has no UTC offset/) });
  });

  it("dates: local midnight, or the date of an instant", () => {
    expect(run("2024-02-21", "date", { zone: "America/New_York" })).toEqual(ok("2024-02-21T00:00:00.000000-05:00"));
    expect(run("2024-02-21", "date")).toEqual(ok("2024-02-21T00:00:00.000000+00:00"));
    expect(run(1670191506, "unix_seconds", { zone: "Asia/Tokyo" }, "date")).toEqual(ok("2022-12-05"));
    expect(run("2024-02-21", "date", {}, "date")).toEqual(ok("2024-02-21"));
  });

  it("says what is wrong with a value or an input", () => {
    expect(run("soon", "unix_seconds")).toEqual({ problem: '"soon" is not a Unix time in seconds' });
    expect(run(17, "datetime")).toEqual({ problem: "17 is not an ISO-8601 date and time" });
    expect(run("2024-02-30", "date")).toEqual({ problem: '"2024-02-30" is not a date (YYYY-MM-DD)' });
    expect(run(0, "unix_seconds", { zone: "Nowhere/Land" })).toEqual({ problem: expect.stringMatching(/unknown time zone/) });
    expect(run(0, "unix_seconds", { add: "x" })).toEqual({ problem: expect.stringMatching(/cannot add "x" seconds/) });
    expect(run(1e20, "unix_ms")).toEqual({ problem: expect.stringMatching(/out of the range of dates/) });
  });
});

describe("calendar days (time.days): the end of a local day", () => {
  const end = (value: unknown, format: Parameters<typeof convertTime>[1], inputs: { offset?: unknown; zone?: unknown } = {}) =>
    convertTime(value, format, "datetime", undefined, inputs.offset, inputs.zone, 1);

  it("a day across a daylight-saving change lasts 23 or 25 hours in a zone", () => {
    // Los Angeles went to PDT on 2024-03-10 at 02:00 and back to PST on 2024-11-03 at 02:00.
    expect(end("2024-03-09T04:00:00-08:00", "datetime", { zone: "America/Los_Angeles" })).toBe("2024-03-10T04:00:00.000000-07:00");
    expect(end("2024-11-02T04:00:00-07:00", "datetime", { zone: "America/Los_Angeles" })).toBe("2024-11-03T04:00:00.000000-08:00");
    // Paris went to CEST on 2026-03-29 at 02:00: that midnight is still +01:00, the next one +02:00.
    expect(end("2026-03-28T00:00:00", "datetime_local", { zone: "Europe/Paris" })).toBe("2026-03-29T00:00:00.000000+01:00");
    expect(end("2026-03-29T00:00:00", "datetime_local", { zone: "Europe/Paris" })).toBe("2026-03-30T00:00:00.000000+02:00");
    expect(end(Date.parse("2026-03-28T23:00:00Z") / 1000, "unix_seconds", { zone: "Europe/Paris" })).toBe("2026-03-30T00:00:00.000000+02:00");
    expect(end("2026-03-29", "date", { zone: "Europe/Paris" })).toBe("2026-03-30T00:00:00.000000+02:00");
  });

  it("with offsets only, the moved time is read at the given offset (the next day's), else at the text's own", () => {
    expect(end("2024-03-09T04:00:00-08:00", "datetime", { offset: "-07:00" })).toBe("2024-03-10T04:00:00.000000-07:00");
    expect(end("2024-03-09T04:00:00-08:00", "datetime")).toBe("2024-03-10T04:00:00.000000-08:00");
    expect(end("2024-03-09T04:00:00-08:00", "datetime", { offset: null })).toBe("2024-03-10T04:00:00.000000-08:00");
    expect(convertTime("2024-03-10T04:00:00-07:00", "datetime", "datetime", undefined, undefined, undefined, -1)).toBe("2024-03-09T04:00:00.000000-07:00");
  });

  it("a fixed offset is a zone: what a connection learned from a provider that gives offsets only", () => {
    expect(timeZone("+01:00").offsetAt(0)).toBe(3600);
    expect(end("2026-03-10T00:00:00", "datetime_local", { zone: "+01:00" })).toBe("2026-03-11T00:00:00.000000+01:00");
  });

  it("compiles: a mapping's end_time a calendar day after its start", () => {
    const time = { format: "datetime" as const, days: 1, timezone: { path: "/zone" } };
    const mapping = compileMapping({ template: { end_time: { path: "/start", time } } });
    const outcome = mapping.map({ start: "2024-11-02T04:00:00-07:00", zone: "America/Los_Angeles" });
    if (outcome instanceof Promise || outcome.kind !== "record") throw new Error("expected a record");
    expect(outcome.record).toEqual({ end_time: "2024-11-03T04:00:00.000000-08:00" });
  });
});

describe("compiled time rules", () => {
  // What each sample of a list does: one start time as text, its own seconds added, in the record's zone.
  const cases: { v: unknown; tz?: unknown; add?: unknown }[] = [
    { v: "2026-03-29T00:30:00+01:00", tz: "Europe/Paris", add: 0 },
    { v: "2026-03-29T00:30:00+01:00", tz: "Europe/Paris", add: 5400 }, // past the change to summer time
    { v: "2026-03-29T00:30:00+01:00", tz: "America/New_York", add: 5400 }, // same text, another zone
    { v: "2026-03-29T00:30:00+01:00", add: 5400 }, // no zone: the text's own offset
    { v: "2026-03-29T00:30:00", tz: "Europe/Paris", add: 3600 }, // a local time read in the zone
    { v: "2026-03-29T02:30:00", tz: "Europe/Paris" }, // in the gap the clocks skip
    { v: "2026-03-29T00:30:00" }, // no offset, no zone: refused
    { v: "2026-03-29T00:30:00Z", tz: "Nowhere/Land", add: 1 },
    { v: "2026-03-29T00:30:00Z", add: "ten" },
    { v: "2026-03-29T00:30:00Z", add: "10" },
    { v: "not a time", tz: "UTC", add: 1 },
    { v: 1774744200, tz: "UTC" },
    { v: "2026-03-29T00:30:00.250-04:30", add: 0.5 },
  ];
  const epochCases: { v: unknown; tz?: unknown; add?: unknown }[] = [
    { v: 1774744200, tz: "Europe/Paris" },
    { v: 1774747800, tz: "Europe/Paris", add: 3600 }, // past the change to summer time
    { v: 1774747800, tz: "America/New_York" },
    { v: 1774747800 },
    { v: 1774747800, tz: "" },
    { v: "1774747800", tz: "Asia/Tokyo" },
    { v: 1774747800, tz: "Nowhere/Land" },
    { v: "soon", tz: "UTC" },
    { v: 1e20, tz: "UTC" },
    { v: 1774747800.5, tz: "UTC", add: "x" },
  ];
  const convertedBy = (
    format: "datetime" | "datetime_local" | "date" | "unix_ms" | "unix_seconds",
    output: "datetime" | "date",
    withAdd = true,
    records = cases,
  ) => {
    const time = { format, timezone: { path: "/tz" }, ...(withAdd ? { add: { path: "/add" } } : {}), output };
    const mapping = compileMapping({ template: { t: { path: "/v", time } } });
    return records.map((record) => {
      const outcome = mapping.map(record);
      if (outcome instanceof Promise) throw new Error("a mapping without expressions is synchronous");
      return outcome.kind === "record"
        ? (outcome.record as { t?: string }).t
        : outcome.kind === "failed"
          ? { problem: outcome.issues[0]!.message.replace(/^t: /, "") }
          : undefined;
    });
  };

  it.each([
    { format: "datetime", output: "datetime" },
    { format: "datetime_local", output: "datetime" },
    { format: "date", output: "date" },
    { format: "datetime", output: "date" },
  ] as const)(
    "a start time as text plus each sample's seconds ($format → $output): what convertTime makes of each, record after record",
    ({ format, output }) => {
      const expected = cases.map(({ v, tz, add }) => {
        const result = convertTime(v, format, output, add, undefined, tz);
        return typeof result === "string" ? result : { problem: (result as { problem: string }).problem };
      });
      expect(convertedBy(format, output)).toEqual(expected);
    },
  );

  it.each([
    { format: "unix_seconds", withAdd: false },
    { format: "unix_seconds", withAdd: true },
    { format: "unix_ms", withAdd: false },
  ] as const)("sample instants as epoch numbers ($format, add: $withAdd): what convertTime makes of each", ({ format, withAdd }) => {
    const records = epochCases.map((c) => (format === "unix_ms" && typeof c.v === "number" ? { ...c, v: c.v * 1000 } : c));
    const expected = records.map(({ v, tz, add }) => {
      const result = convertTime(v, format, "datetime", withAdd ? add : undefined, undefined, tz);
      return typeof result === "string" ? result : { problem: (result as { problem: string }).problem };
    });
    expect(convertedBy(format, "datetime", withAdd, records)).toEqual(expected);
  });

  it("the cases cover what they mean to", () => {
    const shown = convertedBy("datetime", "datetime");
    expect(shown.slice(0, 5)).toEqual([
      "2026-03-29T00:30:00.000000+01:00",
      "2026-03-29T03:00:00.000000+02:00",
      "2026-03-28T21:00:00.000000-04:00",
      "2026-03-29T02:00:00.000000+01:00",
      "2026-03-29T01:30:00.000000+01:00",
    ]);
    expect(shown[6]).toEqual({ problem: expect.stringMatching(/has no UTC offset/) });
  });
});
