/** A JSON object (not null, not an array): what a provider's answer, a pointer step or a body field must be to be read by name. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
