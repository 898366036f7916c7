/**
 * Terra's timestamp format: ISO-8601 local wall-clock time with microsecond precision and the UTC offset,
 * e.g. "2026-11-02T07:04:11.000000+01:00". Hand-formatted because it runs once per sample (hundreds of
 * thousands of times in a backfill) and `toISOString` cannot render an offset.
 */

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

export function utcOffsetSuffix(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

export function terraTimestamp(epochMs: number, offsetMinutes: number): string {
  const local = new Date(Math.round(epochMs) + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  return (
    `${year}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
    `T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}` +
    `.${pad3(local.getUTCMilliseconds())}000${utcOffsetSuffix(offsetMinutes)}`
  );
}

/** Unix seconds (the sandbox provider's native unit) to a Terra timestamp. */
export function terraTimestampFromUnix(unixSeconds: number, offsetMinutes: number): string {
  return terraTimestamp(unixSeconds * 1000, offsetMinutes);
}

/** Local midnight of a "YYYY-MM-DD" date as a Terra timestamp. */
export function terraMidnight(date: string, offsetMinutes: number): string {
  return `${date}T00:00:00.000000${utcOffsetSuffix(offsetMinutes)}`;
}
