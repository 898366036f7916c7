/**
 * RFC 6901 JSON pointers compiled once into a lookup. Only own properties are followed: a provider
 * document (or a hostile push) naming "/__proto__" or "/constructor" reads nothing; in an array only an
 * index reads an element ("/items/length" reads nothing, as RFC 6901 has it).
 */
export type PointerLookup = (document: unknown) => unknown;

const cache = new Map<string, PointerLookup>();
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

export function compilePointer(pointer: string): PointerLookup {
  const cached = cache.get(pointer);
  if (cached) return cached;
  if (pointer !== "" && !pointer.startsWith("/"))
    throw new TypeError(`a JSON pointer starts with "/" (or is "" for the whole document): ${JSON.stringify(pointer)}`);
  const tokens =
    pointer === ""
      ? []
      : pointer
          .slice(1)
          .split("/")
          .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
  const lookup: PointerLookup = (document) => {
    let current = document;
    for (const token of tokens) {
      if (current === null || typeof current !== "object" || !Object.hasOwn(current, token)) return undefined;
      if (Array.isArray(current) && !ARRAY_INDEX.test(token)) return undefined;
      current = (current as Record<string, unknown>)[token];
    }
    return current;
  };
  cache.set(pointer, lookup);
  return lookup;
}

export const readPointer = (document: unknown, pointer: string): unknown => compilePointer(pointer)(document);
