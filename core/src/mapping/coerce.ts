/**
 * Coercions of provider values: numbers sent as text ("250.0", Wahoo), booleans as text ("true", Strava
 * webhook updates), ids as numbers. Empty text counts as absent. A value that cannot be coerced is a
 * problem described by the returned sentence.
 */
export type Coerced = { ok: true; value: unknown } | { ok: false; problem: string };

const absent: Coerced = { ok: true, value: undefined };

export function toNumber(value: unknown): Coerced {
  if (typeof value === "number") return Number.isFinite(value) ? { ok: true, value } : { ok: false, problem: `${value} is not a finite number` };
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "") return absent;
    const number = Number(text);
    if (Number.isFinite(number)) return { ok: true, value: number };
    return { ok: false, problem: `${quote(value)} is not a number` };
  }
  return { ok: false, problem: `${describe(value)} is not a number` };
}

export function toInteger(value: unknown): Coerced {
  const number = toNumber(value);
  return number.ok && typeof number.value === "number" ? { ok: true, value: Math.round(number.value) } : number;
}

export function toText(value: unknown): Coerced {
  if (typeof value === "string") return { ok: true, value };
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return { ok: true, value: String(value) };
  return { ok: false, problem: `${describe(value)} is not text` };
}

const TRUE = new Set(["true", "yes", "y", "1", "on"]);
const FALSE = new Set(["false", "no", "n", "0", "off"]);

export function toBoolean(value: unknown): Coerced {
  if (typeof value === "boolean") return { ok: true, value };
  if (value === 1 || value === 0) return { ok: true, value: value === 1 };
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "") return absent;
    if (TRUE.has(text)) return { ok: true, value: true };
    if (FALSE.has(text)) return { ok: true, value: false };
    return { ok: false, problem: `${quote(value)} is not a boolean (true/false, yes/no, 1/0)` };
  }
  return { ok: false, problem: `${describe(value)} is not a boolean` };
}

export const coercions = { number: toNumber, integer: toInteger, string: toText, boolean: toBoolean } as const;

/** A value as it appears in a message, cut short. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value !== null && typeof value === "object") return "an object";
  return quote(value);
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
