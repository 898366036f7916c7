import type { ZoneProbeSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { offsetSuffix, parseDateTime, parseOffsetText, timeZone } from "../mapping/time.ts";
import { compilePointer } from "../spec/pointer.ts";
import type { CursorRepository } from "../state/cursors.ts";
import { addOffsets, offsetAt, readDayOffsets, type DayOffsets, type OffsetSeen } from "./dated-offsets.ts";

/**
 * The member's time zone as a connection learned it from its provider (a stream's `timezone`): an IANA name
 * when the provider gives one (Withings' `timezone`), else the UTC offset last seen ("+01:00", Polar's
 * exercises), and the offsets seen per local date (`days`) when the records say which date theirs is. It
 * is kept in the cursors table under `timezone`, one row per connection, because the stream that learns it
 * is often not the one that needs it (Polar's daily activity has no offset of its own), and offered to every
 * stream's recordFields as `{timezone}` and, per record, `{timezone.at.<field>}`. Rows written before `days`
 * existed (a zone only) read as they did.
 */
export interface LearnedZone {
  v: 1;
  zone: string;
  /** When it was learned (ISO-8601). */
  at: string;
  days?: DayOffsets;
}

export const LEARNED_ZONE_KEY = "timezone";

/** What a connection knows of the member's zone: the zone last said, and the offsets seen per date. */
export interface KnownZone {
  zone?: string;
  days: DayOffsets;
}

/** What a page (or a probe's answer) says: the zone it says last, and the dated offsets it holds. */
export interface ZoneSaid {
  zone?: string;
  offsets: OffsetSeen[];
}

export async function readLearnedZone(cursors: CursorRepository, userId: string): Promise<KnownZone> {
  const stored = await cursors.getCursor<Partial<LearnedZone>>(userId, LEARNED_ZONE_KEY);
  if (stored?.v !== 1) return { days: {} };
  const zone = typeof stored.zone === "string" && zoneText(stored.zone) !== undefined ? stored.zone : undefined;
  return { ...(zone !== undefined ? { zone } : {}), days: readDayOffsets(stored.days) };
}

/**
 * Adds what a page said to `known` (in place) and keeps it when that changed anything. The row is read
 * again just before it is written: streams of one connection run in separate jobs at once (a backfill's),
 * and each keeps what the others added meanwhile.
 */
export async function keepLearnedZone(
  cursors: CursorRepository | undefined,
  userId: string | undefined,
  known: KnownZone,
  said: ZoneSaid,
  now: number,
): Promise<boolean> {
  const zoneChanged = said.zone !== undefined && said.zone !== known.zone;
  if (said.zone !== undefined) known.zone = said.zone;
  const daysChanged = addOffsets(known.days, said.offsets);
  if (!zoneChanged && !daysChanged) return false;
  if (cursors === undefined || userId === undefined) return true;
  const stored = await readLearnedZone(cursors, userId);
  const days = stored.days;
  addOffsets(
    days,
    Object.entries(known.days).map(([date, [offsetSeconds, minute]]) => ({ localAsUtcMs: Date.parse(`${date}T00:00:00Z`) + minute * 60_000, offsetSeconds })),
  );
  known.days = days;
  const zone = known.zone ?? stored.zone;
  if (zone === undefined) return true;
  await cursors.setCursor(userId, LEARNED_ZONE_KEY, {
    v: 1,
    zone,
    at: new Date(now).toISOString(),
    ...(Object.keys(days).length > 0 ? { days } : {}),
  } satisfies LearnedZone);
  return true;
}

/**
 * The zone to read a local date-time in: an IANA zone learned answers every date exactly; else the offset
 * of that date as the dated offsets tell (`offsetAt`); else the zone last said (a row from before dated
 * offsets). Undefined when nothing was learned.
 */
export function zoneForLocal(known: KnownZone, localAsUtcMs: number): string | undefined {
  if (known.zone !== undefined && parseOffsetText(known.zone) === undefined) return known.zone;
  const offset = offsetAt(known.days, localAsUtcMs);
  return offset !== undefined ? offsetSuffix(offset) : known.zone;
}

/** A record field's zone for `{timezone.at.<field>}`: a date-time with an offset says its own; a local one is looked up. */
export function zoneForValue(known: KnownZone, value: unknown): string | undefined {
  const parsed = typeof value === "string" ? parseDateTime(value) : undefined;
  if (parsed === undefined) return known.zone;
  if (parsed.offsetSeconds !== undefined) return offsetSuffix(parsed.offsetSeconds);
  return zoneForLocal(known, parsed.localAsUtcMs);
}

/** What a stream's `timezone` reads from a page: the zone of its answer, or of its records, and every dated offset. */
export type ZoneReader = (body: unknown, records: readonly ProviderRecord[]) => ZoneSaid;

interface ZoneSource {
  path: string;
  unit?: "seconds" | "minutes" | undefined;
  date?: string | undefined;
}

export function compileZoneReader(spec: ZoneSource & { in: "answer" | "record" }): ZoneReader {
  const read = compileSaid(spec);
  if (spec.in === "answer") {
    return (body) => {
      const said = read(body);
      return said ? { zone: said.zone, offsets: said.seen ? [said.seen] : [] } : { offsets: [] };
    };
  }
  return (_body, records) => {
    const out: ZoneSaid = { offsets: [] };
    for (const record of records) {
      const said = read(record);
      if (!said) continue;
      out.zone = said.zone;
      if (said.seen) out.offsets.push(said.seen);
    }
    return out;
  };
}

/** A probe's answer: the zone at its path, or — with `records` — each record's. */
export function compileProbeReader(probe: ZoneProbeSpec, unit: ZoneSource["unit"]): ZoneReader {
  const source = { path: probe.path, unit: probe.unit ?? unit, date: probe.date };
  if (probe.records === undefined) return compileZoneReader({ in: "answer", ...source });
  const records = compilePointer(probe.records);
  const perRecord = compileZoneReader({ in: "record", ...source });
  return (body) => {
    const found = records(body);
    const list = Array.isArray(found) ? found : found === undefined || found === null ? [] : [found];
    return perRecord(
      body,
      list.filter((item): item is ProviderRecord => item !== null && typeof item === "object" && !Array.isArray(item)),
    );
  };
}

/** One value's zone, and its dated offset when it has one (an offset with a local date, or a date-time with an offset). */
function compileSaid(spec: ZoneSource): (document: unknown) => { zone: string; seen?: OffsetSeen } | undefined {
  const read = compilePointer(spec.path);
  const readDate = spec.date !== undefined ? compilePointer(spec.date) : undefined;
  const perMinute = spec.unit === "minutes";
  return (document) => {
    const value = read(document);
    const zone = zoneText(typeof value === "number" && perMinute ? value * 60 : value);
    if (zone === undefined) return undefined;
    const offsetSeconds = parseOffsetText(zone);
    if (offsetSeconds === undefined) return { zone };
    const dated = readDate?.(document);
    const local = typeof dated === "string" ? parseDateTime(dated) : typeof value === "string" ? parseDateTime(value) : undefined;
    if (local === undefined) return { zone };
    // A date alone is seen at noon: what it says holds for the day, not a particular hour of it.
    return { zone, seen: { localAsUtcMs: local.localAsUtcMs + (local.dateOnly ? 12 * 3_600_000 : 0), offsetSeconds } };
  };
}

/**
 * A zone as text, or undefined when the value is none: an IANA name the runtime knows, an offset
 * ("+01:00", seconds east as a number), or a date-time with an offset (its offset: what Polar's nights say).
 */
export function zoneText(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) && Math.abs(value) <= 18 * 3600 ? offsetSuffix(value) : undefined;
  if (typeof value !== "string" || value.trim() === "" || value.length > 64) return undefined;
  const offset = parseOffsetText(value);
  if (offset !== undefined) return offsetSuffix(offset);
  const parsed = parseDateTime(value);
  if (parsed !== undefined) return parsed.offsetSeconds === undefined ? undefined : offsetSuffix(parsed.offsetSeconds);
  try {
    return timeZone(value).name;
  } catch {
    return undefined;
  }
}
