import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

/** An entry id as the lists print it (`#6`) or bare (`6`). */
export function parseEntryId(value: string, what: string): number {
  const id = Number(value.trim().replace(/^#/, ""));
  if (!Number.isInteger(id) || id < 1) {
    throw new UserError(ErrorCodes.ARGUMENT_INVALID, `${JSON.stringify(value)} is not a ${what} id`, {
      hint: `Write the number the list shows, e.g. 6 or '#6' (quoted: a shell takes an unquoted # for a comment).`,
    });
  }
  return id;
}

/** A time for --since/--until/--before: ISO 8601 (2026-12-01, 2026-12-01T08:00:00Z) or a duration ago (30m, 12h, 7d). */
export function parseTime(value: string, option: string, now = Date.now()): string {
  const ago = /^(\d+)([mhd])$/.exec(value.trim());
  if (ago) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as "m" | "h" | "d"];
    return new Date(now - Number(ago[1]) * unit).toISOString();
  }
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) {
    throw new UserError(ErrorCodes.ARGUMENT_INVALID, `${option} ${JSON.stringify(value)} is not a time`, {
      hint: `Write a date or time (2026-12-01, 2026-12-01T08:00:00Z) or how long ago (30m, 12h, 7d).`,
    });
  }
  return time.toISOString();
}
