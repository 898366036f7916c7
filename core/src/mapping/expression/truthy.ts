/**
 * JSONata's rules for a value used as a condition ($boolean): nothing, null, false, 0, "" and empty
 * lists or objects are false; a list is true when any of its items is.
 */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  switch (typeof value) {
    case "boolean":
      return value;
    case "number":
      return value !== 0;
    case "string":
      return value.length > 0;
    case "object":
      if (Array.isArray(value)) return value.some(isTruthy);
      return Object.keys(value).length > 0;
    default:
      return false;
  }
}
