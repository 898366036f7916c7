import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DataType, StandardRecord } from "@tributary/core/contracts";
import { generateActivities, sandboxProfile, localMidnightMs, localDayNumber } from "../src/index.ts";
import { DAY_MS, pull, utcDays, type Json } from "./run-pull.ts";

const ALL_TYPES: DataType[] = ["activity", "sleep", "daily", "body", "nutrition", "menstruation", "athlete"];
const SESSION_TYPES = new Set<DataType>(["activity", "sleep"]);

/** Natural key, as destinations use it: summary_id for sessions, the date for day-based records. */
function keyOf(type: DataType, record: Json): string {
  return SESSION_TYPES.has(type) ? record.metadata.summary_id : record.metadata.start_time.slice(0, 10);
}

function byKey(type: DataType, records: StandardRecord[]): Map<string, StandardRecord> {
  return new Map(records.map((r) => [keyOf(type, r), r]));
}

/** Removes every sample array, leaving the summaries. */
function withoutSamples(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSamples);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "detailed" && key !== "samples" && !key.endsWith("_samples"))
      .map(([key, v]) => [key, withoutSamples(v)]),
  );
}

describe("SANDBOX determinism", () => {
  it("returns deep-equal records for the same user and range, every time", async () => {
    const userId = randomUUID();
    const range = utcDays("2026-02-01", 10);
    for (const type of ALL_TYPES) {
      const first = await pull(type, userId, range);
      const second = await pull(type, userId, range);
      expect(second, `${type} for ${userId}`).toEqual(first);
      expect(first.length, `${type} for ${userId}`).toBeGreaterThan(0);
    }
  });

  it("agrees on shared days when ranges overlap", async () => {
    const userId = randomUUID();
    const early = utcDays("2026-01-01", 20);
    const late = utcDays("2026-01-11", 20);
    for (const type of ALL_TYPES.filter((t) => t !== "athlete")) {
      const a = byKey(type, await pull(type, userId, early));
      const b = byKey(type, await pull(type, userId, late));
      const shared = [...a.keys()].filter((key) => b.has(key));
      // Every day has a daily, a cycle day and a night of sleep; the other types skip some days.
      if (type === "daily" || type === "menstruation" || type === "sleep") expect(shared.length, `${type} for ${userId}`).toBeGreaterThanOrEqual(9);
      for (const key of shared) expect(b.get(key), `${type} ${key} for ${userId}`).toEqual(a.get(key));
    }
  });

  it("gives the same records whether a month is pulled at once or day by day, in any order", async () => {
    const userId = randomUUID();
    const { offsetMinutes } = sandboxProfile(userId);
    // Local-midnight boundaries, so day-based records fall in exactly one slice.
    const firstDay = localDayNumber(Date.parse("2026-07-01T12:00:00Z"), offsetMinutes);
    const days = 30;
    const whole = { start: new Date(localMidnightMs(firstDay, offsetMinutes)), end: new Date(localMidnightMs(firstDay + days, offsetMinutes)) };
    const slices = Array.from({ length: days }, (_, i) => ({
      start: new Date(localMidnightMs(firstDay + i, offsetMinutes)),
      end: new Date(localMidnightMs(firstDay + i + 1, offsetMinutes)),
    })).reverse();
    for (const type of ALL_TYPES.filter((t) => t !== "athlete")) {
      const all = await pull(type, userId, whole);
      const pieces: StandardRecord[] = [];
      for (const slice of slices) pieces.unshift(...(await pull(type, userId, slice)));
      expect(pieces, `${type} for ${userId}`).toEqual(all);
    }
  });

  it("keeps summaries identical with and without samples", async () => {
    const userId = randomUUID();
    const range = utcDays("2026-08-01", 14);
    for (const type of ALL_TYPES) {
      const plain = await pull(type, userId, range, false);
      const detailed = await pull(type, userId, range, true);
      expect(detailed.map(withoutSamples), `${type} for ${userId}`).toEqual(plain.map(withoutSamples));
    }
  });

  it("gives different users different data and every session its own id", async () => {
    const range = utcDays("2026-03-01", 60);
    const a = (await pull("activity", randomUUID(), range, false)) as Json[];
    const b = (await pull("activity", randomUUID(), range, false)) as Json[];
    const idsA = a.map((r) => r.metadata.summary_id);
    expect(new Set(idsA).size).toBe(idsA.length);
    expect(idsA.filter((id) => b.some((r) => r.metadata.summary_id === id))).toEqual([]);
    for (const id of idsA) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("does not depend on how many records a benchmark asks for", () => {
    const userId = randomUUID();
    const long = [...generateActivities(userId, utcDays("2026-01-01", 40))];
    const short = [
      ...generateActivities(userId, { start: new Date(Date.parse("2026-01-01T00:00:00Z")), end: new Date(Date.parse("2026-01-01T00:00:00Z") + 20 * DAY_MS) }),
    ];
    expect(long.slice(0, short.length)).toEqual(short);
  });
});
