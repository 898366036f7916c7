/** Deletes the own property a JSON pointer names (no-op when absent): a value that must not be kept. */
export function removePointer(document: unknown, pointer: string): void {
  const tokens = pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
  const last = tokens.pop();
  let current = document;
  for (const token of tokens) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, token)) return;
    current = (current as Record<string, unknown>)[token];
  }
  if (last !== undefined && current !== null && typeof current === "object" && !Array.isArray(current) && Object.hasOwn(current, last)) {
    delete (current as Record<string, unknown>)[last];
  }
}
