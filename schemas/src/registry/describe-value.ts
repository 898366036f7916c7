const MAX_STRING = 60;

/** `string "12"`, `number 1.5`, `null`, `an array of 3 items` - what the payload actually had. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "string") return `string ${quote(value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** A payload value as it would appear in JSON, shortened. */
export function literal(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return describeValue(value);
}

function quote(text: string): string {
  const shown = text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  return JSON.stringify(shown);
}

const ARTICLE: Readonly<Record<string, string>> = {
  integer: "an integer",
  object: "an object",
  array: "an array",
  number: "a number",
  string: "a string",
  boolean: "a boolean",
  null: "null",
};

/** "a number", "a string or null". */
export function describeTypes(types: readonly string[]): string {
  return types.map((t) => ARTICLE[t] ?? t).join(" or ");
}
