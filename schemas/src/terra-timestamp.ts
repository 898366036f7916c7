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

const OFFSET = /(Z|([+-])(\d{2}):?(\d{2}))$/i;

/**
 * The UTC offset a timestamp is written in, in minutes ("…+01:00" → 60, "…Z" → 0), or undefined for a
 * local time written without one.
 */
export function utcOffsetMinutesOf(timestamp: string): number | undefined {
  const match = OFFSET.exec(timestamp);
  if (!match || !/T\d/.test(timestamp)) return undefined;
  if (match[1]!.toUpperCase() === "Z") return 0;
  const minutes = Number(match[3]) * 60 + Number(match[4]);
  return match[2] === "-" ? -minutes : minutes;
}
