import { randomUUID } from "node:crypto";
import { DATA_TYPES } from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import type { DataType } from "@tributary/core/contracts";
import { compileConnector } from "@tributary/core/connectors";
import sandbox, { sandboxProfile, terraTimestamp } from "../src/index.ts";
import { decodePolyline, encodePolyline } from "../src/generators/polyline.ts";
import { hashSeed, mulberry32 } from "../src/random/prng.ts";
import { pull, pullContext, readHook, TERRA_TIMESTAMP, utcDays, type Json } from "./run-pull.ts";

describe("SANDBOX connector definition", () => {
  it("declares the provider Terra-style and supports all seven data types", () => {
    const connector = compileConnector(sandbox);
    expect(connector).toMatchObject({
      kind: "connector",
      name: "SANDBOX",
      displayName: "Sandbox",
      auth: { type: "none" },
      sync: { backfillDays: 28, pollIntervalSeconds: 900, maxHistoryDays: 730 },
    });
    expect([...connector.pullTypes].sort()).toEqual([...DATA_TYPES].sort());
    expect([...connector.pushTypes].sort()).toEqual([...DATA_TYPES].sort());
    for (const type of DATA_TYPES) expect(typeof sandbox.hooks.read?.[type]).toBe("function");
  });

  it("stops a pull whose job was cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = pullContext(randomUUID(), "daily", utcDays("2026-03-01", 5), false, controller.signal);
    const iterate = async () => {
      for await (const record of readHook("daily")(ctx)) void record;
    };
    await expect(iterate()).rejects.toMatchObject({ name: "AbortError" }); // the signal's own reason, not any error
  });

  it("refuses an invalid range as a user error, when iterated rather than when read() is called", async () => {
    const ctx = pullContext(randomUUID(), "activity", { start: new Date("not a date"), end: new Date() }, false);
    const iterable = readHook("activity")(ctx);
    const iterate = async () => {
      for await (const record of iterable) void record;
    };
    await expect(iterate()).rejects.toMatchObject({ code: "ERR_DATE_RANGE_INVALID", errorClass: "user" });
  });

  it("returns nothing for an empty range", async () => {
    const at = new Date("2026-05-05T12:00:00Z");
    for (const type of ["activity", "sleep", "daily", "body", "nutrition", "menstruation"] as DataType[]) {
      expect(await pull(type, randomUUID(), { start: at, end: at })).toEqual([]);
    }
  });
});

describe("SANDBOX coverage", () => {
  it("gives a fresh user every data type within any five-day window (what a short backfill shows)", async () => {
    for (let k = 0; k < 8; k++) {
      const userId = randomUUID();
      const end = new Date(Date.parse("2026-04-01T00:00:00Z") + k * 7.3 * 3_600_000);
      const range = { start: new Date(end.getTime() - 5 * 86_400_000), end };
      for (const type of DATA_TYPES) expect((await pull(type, userId, range, false)).length, `${type} for ${userId}`).toBeGreaterThan(0);
    }
  });
});

describe("SANDBOX timestamps", () => {
  it("renders Terra's format: local wall clock, microseconds and the UTC offset", () => {
    const instant = Date.UTC(2026, 10, 2, 6, 4, 11, 250);
    expect(terraTimestamp(instant, 60)).toBe("2026-11-02T07:04:11.250000+01:00");
    expect(terraTimestamp(instant, -300)).toBe("2026-11-02T01:04:11.250000-05:00");
    expect(terraTimestamp(instant, 330)).toBe("2026-11-02T11:34:11.250000+05:30");
    expect(terraTimestamp(instant, 0)).toBe("2026-11-02T06:04:11.250000+00:00");
    expect(terraTimestamp(Date.UTC(2026, 11, 31, 20, 0, 0), 600)).toBe("2027-01-01T06:00:00.000000+10:00");
  });

  it("uses the user's own offset everywhere, marks records as local time, and starts day-based records at local midnight", async () => {
    const userId = randomUUID();
    const { offsetMinutes } = sandboxProfile(userId);
    const sign = offsetMinutes < 0 ? "-" : "+";
    const suffix = `${sign}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, "0")}:${String(Math.abs(offsetMinutes) % 60).padStart(2, "0")}`;
    const range = utcDays("2026-06-01", 7);
    for (const type of ["daily", "body", "nutrition", "menstruation"] as DataType[]) {
      for (const record of (await pull(type, userId, range)) as Json[]) {
        expect(record.metadata.start_time).toMatch(new RegExp(`T00:00:00\\.000000\\${suffix}$`));
        expect(record.metadata.end_time).toMatch(new RegExp(`T00:00:00\\.000000\\${suffix}$`));
        expect(Date.parse(record.metadata.end_time) - Date.parse(record.metadata.start_time)).toBe(86_400_000);
        expect(record.metadata.timestamp_localization).toBe(1);
      }
    }
    for (const type of ["activity", "sleep"] as DataType[]) {
      for (const record of (await pull(type, userId, range)) as Json[]) {
        for (const key of ["start_time", "end_time"]) {
          expect(record.metadata[key]).toMatch(TERRA_TIMESTAMP);
          expect(record.metadata[key].endsWith(suffix)).toBe(true);
        }
        expect(record.metadata.timestamp_localization).toBe(1);
      }
    }
  });

  it("selects sessions by start time within [start, end) and days by overlap", async () => {
    const userId = randomUUID();
    const range = { start: new Date("2026-04-10T06:30:00Z"), end: new Date("2026-04-14T18:00:00Z") };
    for (const type of ["activity", "sleep"] as DataType[]) {
      for (const record of (await pull(type, userId, range, false)) as Json[]) {
        const start = Date.parse(record.metadata.start_time);
        expect(start).toBeGreaterThanOrEqual(range.start.getTime());
        expect(start).toBeLessThan(range.end.getTime());
      }
    }
    for (const record of (await pull("daily", userId, range, false)) as Json[]) {
      expect(Date.parse(record.metadata.end_time)).toBeGreaterThan(range.start.getTime());
      expect(Date.parse(record.metadata.start_time)).toBeLessThan(range.end.getTime());
    }
  });
});

describe("SANDBOX building blocks", () => {
  it("encodes polylines the way Google's reference example does", () => {
    const points: Array<[number, number]> = [
      [38.5, -120.2],
      [40.7, -120.95],
      [43.252, -126.453],
    ];
    expect(encodePolyline(points)).toBe("_p~iF~ps|U_ulLnnqC_mqNvxq`@");
    expect(decodePolyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@")).toEqual(points);
  });

  it("seeds the PRNG from its inputs only", () => {
    const a = mulberry32(hashSeed("user", "sleep", 20_000));
    const b = mulberry32(hashSeed("user", "sleep", 20_000));
    const c = mulberry32(hashSeed("user", "sleep", 20_001));
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    expect(hashSeed("ab", "c")).not.toBe(hashSeed("a", "bc"));
    for (const value of first) expect(value >= 0 && value < 1).toBe(true);
  });
});
