import type { FixtureRecords, SpecFixtures, StreamFixture } from "@tributary/core/mock-provider";

const DAY_SECONDS = 86_400;
/** Unix times of 2025 to 2027, in seconds and in milliseconds: the only numbers read as times. */
const SECONDS = { min: 1_735_000_000, max: 1_830_000_000 };
const MILLISECONDS = { min: SECONDS.min * 1000, max: SECONDS.max * 1000 };
const DATED = /^(\d{4})-(\d{2})-(\d{2})(?=$|T| )/;
const UNIX_TEXT = /^\d{10}$|^\d{13}$/;

const inRange = (n: number, range: { min: number; max: number }) => Number.isInteger(n) && n >= range.min && n < range.max;

function shiftNumber(n: number, days: number): number {
  if (inRange(n, SECONDS)) return n + days * DAY_SECONDS;
  if (inRange(n, MILLISECONDS)) return n + days * DAY_SECONDS * 1000;
  return n;
}

function shiftText(text: string, days: number): string {
  const dated = DATED.exec(text);
  if (dated) {
    const day = new Date(Date.UTC(Number(dated[1]), Number(dated[2]) - 1, Number(dated[3]) + days));
    return day.toISOString().slice(0, 10) + text.slice(10);
  }
  if (UNIX_TEXT.test(text)) {
    const shifted = shiftNumber(Number(text), days);
    return String(shifted);
  }
  return text;
}

/**
 * A provider's recorded shapes moved `days` days later, every time in them as it was written: dates and
 * date-times (the date part moves, the time of day and the offset stay), unix seconds and milliseconds
 * (as numbers or as text). Whole days keep every local time, offset and duration the mapping reads.
 */
export function shiftTimes<T>(value: T, days: number): T {
  if (days === 0) return value;
  if (typeof value === "string") return shiftText(value, days) as T;
  if (typeof value === "number") return shiftNumber(value, days) as T;
  if (Array.isArray(value)) return value.map((item) => shiftTimes(item, days)) as T;
  if (typeof value === "object" && value !== null && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shiftTimes(item, days)])) as T;
  }
  return value;
}

/** Whole days from `anchor` (a fixture's last day, plus one) to today, UTC. */
export function daysSince(anchor: string, now = Date.now()): number {
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  return Math.round((today - Date.parse(`${anchor}T00:00:00Z`)) / (DAY_SECONDS * 1000));
}

function shiftRecords(records: FixtureRecords, days: number): FixtureRecords {
  if (typeof records === "function") return (context) => shiftTimes(records({ ...context, window: shiftTimes(context.window, -days) }), days);
  return shiftTimes(records, days);
}

function shiftStream(fixture: StreamFixture, days: number): StreamFixture {
  const { records, details, ...rest } = fixture;
  return {
    ...rest,
    records: shiftRecords(records, days),
    // Detail answers are keyed by the record as recorded: looked up with the record moved back.
    ...(details
      ? {
          details: Object.fromEntries(
            Object.entries(details).map(([name, answer]) => [
              name,
              (record: unknown, user: Parameters<typeof answer>[1]) => shiftTimes(answer(shiftTimes(record, -days), user), days),
            ]),
          ),
        }
      : {}),
  };
}

/**
 * A mock's fixtures as if recorded `days` days later: the connector backfills them with its own
 * backfill window, reads them within its own history limit and spends its own rate budget on them,
 * as it would today, whenever the fixtures were written. Accounts and their profiles stay as they are.
 */
export function shiftFixtures(fixtures: SpecFixtures, days: number): SpecFixtures {
  if (fixtures.streams === undefined) return fixtures;
  return { ...fixtures, streams: Object.fromEntries(Object.entries(fixtures.streams).map(([name, fixture]) => [name, shiftStream(fixture, days)])) };
}
