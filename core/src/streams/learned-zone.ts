import type { ZoneProbeSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { localToInstant, offsetSuffix, parseDateTime, parseOffsetText, timeZone } from "../mapping/time.ts";
import { compilePointer } from "../spec/pointer.ts";
import type { CursorRepository } from "../state/cursors.ts";
import { addOffsets, offsetAt, readDayOffsets, type DayOffsets, type OffsetSeen } from "./dated-offsets.ts";
import { noteMapped, readMappedDates, staleDates, type MappedDates, type MappedDay, type OnStaleDates, type StaleDate } from "./mapped-offsets.ts";

/**
 * The member's time zone as a connection learned it from its provider (a stream's `timezone`): an IANA name
 * when the provider gives one (Withings' `timezone`), else the UTC offset last seen ("+01:00", Polar's
 * exercises), and the offsets seen per local date (`days`) when the records say which date theirs is. It
 * is kept in the cursors table under `timezone`, one row per connection, because the stream that learns it
 * is often not the one that needs it (Polar's daily activity has no offset of its own), and offered to every
 * stream's recordFields as `{timezone}` and, per record, `{timezone.at.<field>}` — whose records are noted
 * with the offsets they were mapped at (`mapped`). Rows written before `days` existed (a zone only) read as
 * they did; a row written by a read that mapped days before any zone was learned has `mapped` only.
 */
export interface LearnedZone {
  v: 1;
  zone?: string;
  /** When it was last written (ISO-8601). */
  at: string;
  days?: DayOffsets;
  mapped?: MappedDates;
}

export const LEARNED_ZONE_KEY = "timezone";

/** What a connection knows of the member's zone: the zone last said, and the offsets seen per date. */
export interface KnownZone {
  zone?: string;
  days: DayOffsets;
  /** The offsets records were mapped at (see mapped-offsets.ts). */
  mapped?: MappedDates;
}

/** Where a connection's zone is kept, and who reads again the dates it comes to decide otherwise (the runtime's re-reads). */
export interface ZoneKeeping {
  cursors: CursorRepository;
  userId: string;
  onStale?: OnStaleDates | undefined;
}

/** What a page (or a probe's answer) says: the zone it says last, and the dated offsets it holds. */
export interface ZoneSaid {
  zone?: string;
  offsets: OffsetSeen[];
}

export async function readLearnedZone(cursors: CursorRepository, userId: string): Promise<KnownZone> {
  return knownZoneOf(await cursors.getCursor<Partial<LearnedZone>>(userId, LEARNED_ZONE_KEY));
}

/** Only what is well formed, from a stored row (fresh objects: the caller may change them). */
function knownZoneOf(stored: Partial<LearnedZone> | undefined): KnownZone {
  if (stored?.v !== 1) return { days: {} };
  const zone = typeof stored.zone === "string" && zoneText(stored.zone) !== undefined ? stored.zone : undefined;
  const mapped = readMappedDates(stored.mapped);
  return { ...(zone !== undefined ? { zone } : {}), days: readDayOffsets(stored.days), ...(Object.keys(mapped).length > 0 ? { mapped } : {}) };
}

/**
 * Adds what a page said to `known` (in place) and keeps it when that changed anything. The row is merged
 * into under its lock (`updateCursor`): streams of one connection run in separate jobs at once (a
 * backfill's, a push's), and each keeps what the others added meanwhile. Dates whose records were mapped at
 * offsets other than those now decided (a day mapped before its session was seen) are then handed to `onStale`.
 */
export async function keepLearnedZone(keeping: ZoneKeeping | undefined, known: KnownZone, said: ZoneSaid, now: number): Promise<boolean> {
  const zoneChanged = said.zone !== undefined && said.zone !== known.zone;
  if (said.zone !== undefined) known.zone = said.zone;
  const daysChanged = addOffsets(known.days, said.offsets);
  if (!zoneChanged && !daysChanged) return false;
  if (keeping === undefined) return true;
  const learned = Object.entries(known.days).map(([date, [offsetSeconds, minute]]) => ({
    localAsUtcMs: Date.parse(`${date}T00:00:00Z`) + minute * 60_000,
    offsetSeconds,
  }));
  // What the row held when it was locked, with this read's offsets added: set by the update's last run.
  let merged: KnownZone = { days: {} };
  await keeping.cursors.updateCursor<Partial<LearnedZone>>(keeping.userId, LEARNED_ZONE_KEY, (row) => {
    const stored = knownZoneOf(row);
    addOffsets(stored.days, learned);
    merged = { ...stored, ...(known.zone !== undefined ? { zone: known.zone } : {}) };
    return merged.zone === undefined ? undefined : learnedZoneRow(merged, now);
  });
  known.days = merged.days;
  known.mapped = merged.mapped;
  if (merged.zone !== undefined && merged.mapped)
    await rereadStale(
      keeping,
      staleDates(merged.mapped, (local) => offsetForLocal(merged, local)),
    );
  return true;
}

/**
 * What a pushed object or a transaction's item said, kept like a page's: the connection's row is read only
 * when it says a zone or an offset.
 */
export async function learnZoneFrom(keeping: ZoneKeeping, said: ZoneSaid, now: number): Promise<void> {
  if (said.zone === undefined && said.offsets.length === 0) return;
  await keepLearnedZone(keeping, await readLearnedZone(keeping.cursors, keeping.userId), said, now);
}

/**
 * Notes the offsets a page's records were mapped at (`days`: local date → each field's minute and offset)
 * and keeps them when they differ from what `known` holds — a poll that maps its two days as before writes
 * nothing. Dates past the provider's history (`maxHistoryDays`, and a day for zones) are let go. The row is
 * merged into under its lock: when what it holds (another job learned meanwhile) decides one of these dates
 * otherwise, that date is handed to `onStale` at once — and a job that learns after this one sees the date.
 */
export async function keepMappedDays(
  keeping: ZoneKeeping,
  known: KnownZone,
  stream: string,
  days: Readonly<Record<string, MappedDay["at"]>>,
  now: number,
  maxHistoryDays?: number,
): Promise<void> {
  if (Object.keys(days).length === 0) return;
  const oldest = maxHistoryDays !== undefined ? new Date(now - (maxHistoryDays + 1) * 86_400_000).toISOString().slice(0, 10) : undefined;
  if (!noteMapped((known.mapped ??= {}), stream, days, oldest)) return;
  let merged: KnownZone = { days: {} };
  await keeping.cursors.updateCursor<Partial<LearnedZone>>(keeping.userId, LEARNED_ZONE_KEY, (row) => {
    const stored = knownZoneOf(row);
    const mapped = stored.mapped ?? {};
    const changed = noteMapped(mapped, stream, days, oldest);
    merged = { ...stored, mapped };
    return changed ? learnedZoneRow(merged, now) : undefined;
  });
  Object.assign(known, merged);
  await rereadStale(
    keeping,
    staleDates(merged.mapped!, (local) => offsetForLocal(merged, local), { stream, dates: Object.keys(days) }),
  );
}

function learnedZoneRow(known: KnownZone, now: number): LearnedZone {
  return {
    v: 1,
    ...(known.zone !== undefined ? { zone: known.zone } : {}),
    at: new Date(now).toISOString(),
    ...(Object.keys(known.days).length > 0 ? { days: known.days } : {}),
    ...(known.mapped && Object.keys(known.mapped).length > 0 ? { mapped: known.mapped } : {}),
  };
}

async function rereadStale(keeping: ZoneKeeping, stale: readonly StaleDate[]): Promise<void> {
  if (stale.length > 0 && keeping.onStale) await keeping.onStale(stale);
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

/**
 * The offset (seconds east) a local date-time is read at: its zone's (`zoneForLocal`; an IANA zone's at that
 * time), UTC when nothing was learned — as a mapping reads an empty `{timezone.at.<field>}`.
 */
export function offsetForLocal(known: KnownZone, localAsUtcMs: number): number {
  const zone = zoneForLocal(known, localAsUtcMs);
  if (zone === undefined || zone === "") return 0;
  const offset = parseOffsetText(zone);
  if (offset !== undefined) return offset;
  const named = timeZone(zone);
  return named.offsetAt(localToInstant(localAsUtcMs, named));
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
