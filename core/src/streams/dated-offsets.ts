import { localToInstant, timeZone } from "../mapping/time.ts";

/**
 * The UTC offsets a connection saw, by the member's local date: what a provider that names no time zone
 * (Polar) tells through the records that carry an offset. A record with no offset of its own (Polar's daily
 * activity) is then read at the offset of its own date rather than at the one offset seen last — so a day
 * before a change of summer time, or a backfilled day from when the member travelled, gets the offset it had.
 *
 * `YYYY-MM-DD` → [offset in seconds east, local minute of the day it was seen at]. A date keeps the offset
 * seen earliest that day (it is the one its midnight had: a day record's start). Kept with the learned zone.
 */
export type DayOffsets = Record<string, [offsetSeconds: number, minute: number]>;

/** One offset a record says, with the local date-time it holds at: `localAsUtcMs` is the wall clock read as UTC. */
export interface OffsetSeen {
  localAsUtcMs: number;
  offsetSeconds: number;
}

/**
 * Dates kept at most: about 5 KB in the cursor row. Past it the dates inside a run of one offset go first
 * (the run's ends answer every date in it the same), then the oldest.
 */
export const MAX_LEARNED_DAYS = 200;

const DAY_MS = 86_400_000;
const dateOf = (localAsUtcMs: number) => new Date(localAsUtcMs).toISOString().slice(0, 10);
const minuteOf = (localAsUtcMs: number) => Math.floor((((localAsUtcMs % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);

/** Adds what was seen to `days` (in place); whether anything changed. */
export function addOffsets(days: DayOffsets, seen: readonly OffsetSeen[], max = MAX_LEARNED_DAYS): boolean {
  let changed = false;
  for (const { localAsUtcMs, offsetSeconds } of seen) {
    const date = dateOf(localAsUtcMs);
    const minute = minuteOf(localAsUtcMs);
    const kept = days[date];
    if (kept && (kept[1] < minute || (kept[1] === minute && kept[0] === offsetSeconds))) continue;
    days[date] = [offsetSeconds, minute];
    changed = true;
  }
  if (changed) trimDays(days, max);
  return changed;
}

function trimDays(days: DayOffsets, max: number): void {
  const dates = Object.keys(days).sort();
  let excess = dates.length - max;
  if (excess <= 0) return;
  let before = days[dates[0]!]!;
  for (let index = 1; index < dates.length - 1 && excess > 0; index += 1) {
    const at = days[dates[index]!]!;
    if (before[0] === at[0] && days[dates[index + 1]!]![0] === at[0]) {
      delete days[dates[index]!];
      excess -= 1;
    } else before = at;
  }
  for (const date of Object.keys(days).sort()) {
    if (excess <= 0) break;
    delete days[date];
    excess -= 1;
  }
}

/** Only what is well formed, from a stored row (hand-edited or written by another version). */
export function readDayOffsets(value: unknown): DayOffsets {
  const days: DayOffsets = {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) return days;
  for (const [date, entry] of Object.entries(value)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !Array.isArray(entry)) continue;
    const [offset, minute] = entry as unknown[];
    if (typeof offset === "number" && Math.abs(offset) <= 18 * 3600 && typeof minute === "number" && minute >= 0 && minute < 1440)
      days[date] = [offset, minute];
  }
  return days;
}

/**
 * The offset in force at a local date-time (`localAsUtcMs`), from the offsets seen around it: those seen
 * just before and just after it (by local date and time). The same on both sides (or seen on one side
 * only): that one. Different — a change lies between them: the IANA zones that fit both decide, by the
 * offset most of them have at that local time (a summer-time change); when none fits (travel), the one
 * seen that day, else the later one. Undefined when none was seen.
 */
export function offsetAt(days: DayOffsets, localAsUtcMs: number): number | undefined {
  let before: Seen | undefined;
  let after: Seen | undefined;
  for (const [date, [offsetSeconds, minute]] of Object.entries(days)) {
    const local = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
    const seen = { local, offsetSeconds };
    if (local <= localAsUtcMs) {
      if (!before || local > before.local) before = seen;
    } else if (!after || local < after.local) after = seen;
  }
  if (!before || !after) return (before ?? after)?.offsetSeconds;
  if (before.offsetSeconds === after.offsetSeconds) return before.offsetSeconds;
  const decided = decideByZones(before, after, localAsUtcMs);
  if (decided !== undefined) return decided;
  const date = dateOf(localAsUtcMs);
  return dateOf(before.local) === date && dateOf(after.local) !== date ? before.offsetSeconds : after.offsetSeconds;
}

interface Seen {
  local: number;
  offsetSeconds: number;
}

let allZones: readonly string[] | undefined;

/**
 * The offset most of the IANA zones that fit both observations have at that local time: where a change
 * of summer time lies between them, its region's zones mostly change at one instant (the EU's at 01:00
 * UTC; Chisinau and Beirut, which also fit Helsinki's, change at local midnight). A tie decides nothing.
 */
function decideByZones(before: Seen, after: Seen, localAsUtcMs: number): number | undefined {
  allZones ??= Intl.supportedValuesOf("timeZone");
  const votes = new Map<number, number>();
  for (const name of allZones) {
    const zone = timeZone(name);
    if (zone.offsetAt(before.local - before.offsetSeconds * 1000) !== before.offsetSeconds) continue;
    if (zone.offsetAt(after.local - after.offsetSeconds * 1000) !== after.offsetSeconds) continue;
    const offset = zone.offsetAt(localToInstant(localAsUtcMs, zone));
    votes.set(offset, (votes.get(offset) ?? 0) + 1);
  }
  const [first, second] = [...votes].sort((a, b) => b[1] - a[1]);
  return first && (!second || first[1] > second[1]) ? first[0] : undefined;
}
