import type { DataType, DateRange, PullContext, StandardRecord } from "@tributary/core/contracts";
import { silentLogger } from "@tributary/core/log";
import sandbox from "../src/index.ts";

export const DAY_MS = 86_400_000;

export function pullContext(userId: string, dataType: DataType, range: DateRange, withSamples: boolean, signal = new AbortController().signal): PullContext {
  return { connection: { userId, provider: "SANDBOX" }, dataType, range, withSamples, signal, log: silentLogger() };
}

/** Drives a pull spec the way the runtime does: `read(ctx)`, then `map(record, ctx)` per provider record. */
export async function pull(dataType: DataType, userId: string, range: DateRange, withSamples = true): Promise<StandardRecord[]> {
  const spec = sandbox.pull[dataType];
  if (!spec?.read) throw new Error(`SANDBOX has no read() for ${dataType}`);
  const ctx = pullContext(userId, dataType, range, withSamples);
  const records: StandardRecord[] = [];
  for await (const providerRecord of spec.read(ctx)) {
    const mapped = spec.map(providerRecord, { connection: ctx.connection, dataType, withSamples });
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
