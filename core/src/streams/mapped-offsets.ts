/**
 * The offsets records were mapped at, for a stream whose recordFields read `{timezone.at.<field>}` (Polar's
 * daily activity): a day mapped before its date's offset was seen is read at a neighbour's, or at UTC.
 * Kept per stream and local date beside the offsets seen (the connection's `timezone` row), so that when
 * the connection learns more, the dates now decided otherwise are known without reading anything else —
 * and read again (`OnStaleDates`), so their records are delivered again at the offset now decided.
 *
 * stream → `YYYY-MM-DD` (the local date of the record's first such field) → [local minute from that
 * date's midnight, offset in seconds east it was read at] for each field looked up (a day's end may be
 * the next midnight: minute 1440).
 */
export type MappedDates = Record<string, Record<string, Array<[minute: number, offsetSeconds: number]>>>;

/** One record's fields as they were looked up: its local date, and each field's minute and offset. */
export interface MappedDay {
  date: string;
  at: Array<[minute: number, offsetSeconds: number]>;
}

/** A date of a stream whose records were mapped at offsets (`from`) other than those now decided (`to`). */
export interface StaleDate {
  stream: string;
  date: string;
  from: number[];
  to: number[];
}

/** Queues a read of each stale date again (the runtime's), once the offsets that make them stale are kept. */
export type OnStaleDates = (stale: readonly StaleDate[]) => Promise<void>;

/** Dates kept per stream, the newest: about 2 KB a stream; older ones are past a provider's history anyway (Polar's 30 days). */
export const MAX_MAPPED_DAYS = 62;
/** Dates one learn asks to read again at most, the newest first: a bound on the pulls one session can cause. */
export const MAX_STALE_DATES = 31;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A page's records' mapped days, by date (`mappedAt`: the stream's). */
export function mappedDaysOf<R>(records: readonly R[], mappedAt: (record: R) => MappedDay | undefined): Record<string, MappedDay["at"]> {
  const days: Record<string, MappedDay["at"]> = {};
  for (const record of records) {
    const day = mappedAt(record);
    if (day) days[day.date] = day.at;
  }
  return days;
}

/** The dates a page mapped, merged into `mapped` for `stream` (in place); whether anything changed. Dates before `oldest` are dropped. */
export function noteMapped(mapped: MappedDates, stream: string, days: Readonly<Record<string, MappedDay["at"]>>, oldest?: string): boolean {
  const kept = (mapped[stream] ??= {});
  let changed = false;
  for (const [date, at] of Object.entries(days)) {
    if (sameAt(kept[date], at)) continue;
    kept[date] = at;
    changed = true;
  }
  const dates = Object.keys(kept).sort();
  dates.forEach((date, index) => {
    if ((oldest !== undefined && date < oldest) || index < dates.length - MAX_MAPPED_DAYS) {
      delete kept[date];
      changed = true;
    }
  });
  return changed;
}

/**
 * The mapped dates (of `dates` only, when given) whose offsets `decide` now answers otherwise, newest
 * first, at most MAX_STALE_DATES.
 */
export function staleDates(mapped: MappedDates, decide: (localAsUtcMs: number) => number, only?: { stream: string; dates: readonly string[] }): StaleDate[] {
  const stale: StaleDate[] = [];
  for (const [stream, byDate] of Object.entries(mapped)) {
    if (only && only.stream !== stream) continue;
    for (const date of only ? only.dates : Object.keys(byDate)) {
      const at = byDate[date];
      if (!at) continue;
      const midnight = Date.parse(`${date}T00:00:00Z`);
      const to = at.map(([minute]) => decide(midnight + minute * 60_000));
      if (to.some((offset, i) => offset !== at[i]![1])) stale.push({ stream, date, from: at.map(([, offset]) => offset), to });
    }
  }
  return stale.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0)).slice(0, MAX_STALE_DATES);
}

/** Only what is well formed, from a stored row. */
export function readMappedDates(value: unknown): MappedDates {
  const mapped: MappedDates = {};
  if (!isObject(value)) return mapped;
  for (const [stream, byDate] of Object.entries(value)) {
    if (!isObject(byDate)) continue;
    const dates: MappedDates[string] = {};
    for (const [date, at] of Object.entries(byDate)) {
      if (!DATE.test(date) || !Array.isArray(at) || at.length === 0) continue;
      const pairs = at.filter(
        (pair): pair is [number, number] =>
          Array.isArray(pair) && Number.isInteger(pair[0]) && pair[0] >= 0 && pair[0] <= 2880 && typeof pair[1] === "number" && Math.abs(pair[1]) <= 18 * 3600,
      );
      if (pairs.length === at.length) dates[date] = pairs.map(([minute, offset]) => [minute, offset]);
    }
    if (Object.keys(dates).length > 0) mapped[stream] = dates;
  }
  return mapped;
}

function sameAt(kept: MappedDay["at"] | undefined, at: MappedDay["at"]): boolean {
  return kept !== undefined && kept.length === at.length && kept.every(([minute, offset], i) => minute === at[i]![0] && offset === at[i]![1]);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
