import type { ParsedPushBody } from "./parse-push-body.ts";

/** Far more fields than a form-encoded notification has (Withings sends five). */
export const MAX_FORM_FIELDS = 1000;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * An `application/x-www-form-urlencoded` push body (Withings) as an object of text fields; a field sent
 * several times becomes a list. Refused when it has too many fields or keys that name Object's own
 * members, which a later merge could turn into a prototype change.
 */
export function parseFormBody(raw: Buffer, maxFields = MAX_FORM_FIELDS): ParsedPushBody {
  const text = raw.toString("utf8");
  if (text.split("&").length > maxFields) return { ok: false, reason: `body has more than ${maxFields} form fields` };
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (FORBIDDEN_KEYS.has(name)) return { ok: false, reason: `body carries a forbidden form field "${name}"` };
    const seen = Object.hasOwn(fields, name) ? fields[name] : undefined;
    fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return { ok: true, body: fields };
}
