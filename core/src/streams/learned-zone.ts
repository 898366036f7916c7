import type { StreamSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { offsetSuffix, parseDateTime, parseOffsetText, timeZone } from "../mapping/time.ts";
import { compilePointer } from "../spec/pointer.ts";
import type { CursorRepository } from "../state/cursors.ts";

/**
 * The member's time zone as a connection learned it from its provider (a stream's `timezone`): an IANA name
 * when the provider gives one (Withings' `timezone`), else the UTC offset last seen ("+01:00", Polar's
 * exercises). It is kept in the cursors table under `timezone`, one row per connection, because the stream
 * that learns it is often not the one that needs it (Polar's daily activity has no offset of its own), and
 * offered to every stream's recordFields as `{timezone}`.
 */
export interface LearnedZone {
  v: 1;
  zone: string;
  /** When it was learned (ISO-8601). */
  at: string;
}

export const LEARNED_ZONE_KEY = "timezone";

export async function readLearnedZone(cursors: CursorRepository, userId: string): Promise<string | undefined> {
  const stored = await cursors.getCursor<Partial<LearnedZone>>(userId, LEARNED_ZONE_KEY);
  return stored?.v === 1 && typeof stored.zone === "string" && zoneText(stored.zone) !== undefined ? stored.zone : undefined;
}

export async function keepLearnedZone(cursors: CursorRepository, userId: string, zone: string, now: number): Promise<void> {
  await cursors.setCursor(userId, LEARNED_ZONE_KEY, { v: 1, zone, at: new Date(now).toISOString() } satisfies LearnedZone);
}

/** What a stream's `timezone` reads from a page: the zone of its answer, or of its last record that has one. */
export type ZoneReader = (body: unknown, records: readonly ProviderRecord[]) => string | undefined;

export function compileZoneReader(spec: NonNullable<StreamSpec["timezone"]>): ZoneReader {
  const read = compilePointer(spec.path);
  const perMinute = spec.unit === "minutes";
  const zoneOf = (value: unknown) => zoneText(typeof value === "number" && perMinute ? value * 60 : value);
  if (spec.in === "answer") return (body) => zoneOf(read(body));
  return (_body, records) => {
    for (let index = records.length - 1; index >= 0; index -= 1) {
      const zone = zoneOf(read(records[index]));
      if (zone !== undefined) return zone;
    }
    return undefined;
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
