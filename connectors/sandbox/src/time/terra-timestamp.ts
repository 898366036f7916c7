import { terraTimestamp, utcOffsetSuffix } from "@tributary/schemas";

export { terraTimestamp, utcOffsetSuffix };

/** Unix seconds (the sandbox provider's native unit) to a Terra timestamp. */
export function terraTimestampFromUnix(unixSeconds: number, offsetMinutes: number): string {
  return terraTimestamp(unixSeconds * 1000, offsetMinutes);
}

/** Local midnight of a "YYYY-MM-DD" date as a Terra timestamp. */
export function terraMidnight(date: string, offsetMinutes: number): string {
  return `${date}T00:00:00.000000${utcOffsetSuffix(offsetMinutes)}`;
}
