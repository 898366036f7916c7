import { isRecord } from "../contracts/is-record.ts";

/**
 * Writes `value` at a JSON pointer, creating objects on the way ("" replaces the document). The mock
 * builds provider answers this way: records at `/body/measuregrps`, the cursor at `/next_token`.
 */
export function setPointer(document: unknown, pointer: string, value: unknown): unknown {
  if (pointer === "") return value;
  if (!pointer.startsWith("/")) throw new TypeError(`a JSON pointer starts with "/": ${JSON.stringify(pointer)}`);
  const tokens = pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
  const root = isRecord(document) ? document : {};
  let current: Record<string, unknown> = root;
  tokens.forEach((token, index) => {
    if (token === "__proto__" || token === "constructor" || token === "prototype") throw new TypeError(`refusing to write ${pointer}`);
    if (index === tokens.length - 1) {
      current[token] = value;
      return;
    }
    const next = Object.hasOwn(current, token) ? current[token] : undefined;
    const child = isRecord(next) ? next : {};
    current[token] = child;
    current = child;
  });
  return root;
}
