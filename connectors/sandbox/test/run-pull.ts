import type { DataType, DateRange, ReadContext, StandardRecord } from "@tributary/core/contracts";
import { silentLogger } from "@tributary/core/log";
import sandbox from "../src/index.ts";

export const DAY_MS = 86_400_000;

export function pullContext(userId: string, dataType: DataType, range: DateRange, withSamples: boolean, signal = new AbortController().signal): ReadContext {
  return {
    connection: { userId, provider: "SANDBOX" },
    dataType,
    stream: dataType,
    window: range,
    withSamples,
    options: {},
    signal,
    log: silentLogger(),
    send: () => Promise.reject(new Error("SANDBOX makes no provider requests")),
  };
}

/** The read hook of a data type's stream (SANDBOX names each stream after its data type). */
export const readHook = (dataType: DataType) => sandbox.hooks.read![dataType]!;

/** Drives the hooks the way the runtime does: the stream's read hook, then the map hook per provider record. */
export async function pull(dataType: DataType, userId: string, range: DateRange, withSamples = true): Promise<StandardRecord[]> {
  const ctx = pullContext(userId, dataType, range, withSamples);
  const map = sandbox.hooks.map![dataType]!;
  const records: StandardRecord[] = [];
  for await (const providerRecord of readHook(dataType)(ctx)) {
    const mapped = map(providerRecord, ctx);
    if (mapped === null) continue;
    records.push(...(Array.isArray(mapped) ? mapped : [mapped]));
  }
  return records;
}

/** `days` whole UTC days from `startDate`. */
export function utcDays(startDate: string, days: number): DateRange {
  const start = new Date(`${startDate}T00:00:00Z`);
  return { start, end: new Date(start.getTime() + days * DAY_MS) };
}

/** Mapped records are plain JSON; tests walk them dynamically. */
export type Json = any;

export const TERRA_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}[+-]\d{2}:\d{2}$/;
