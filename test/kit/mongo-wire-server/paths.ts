import { CommandError } from "./command-error.ts";
import { describeValue, isDocument, type Doc } from "./values.ts";

const isIndex = (part: string) => /^\d+$/.test(part);

/**
 * Every value a dotted path reaches, the way a query sees it: arrays on the way are walked into (each
 * element, or the numbered one). A missing field yields `undefined`, which `{ f: null }` matches.
 */
export function valuesAt(value: unknown, parts: readonly string[]): unknown[] {
  if (parts.length === 0) return [value];
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    if (isIndex(head) && Number(head) < value.length) out.push(...valuesAt(value[Number(head)], rest));
    for (const element of value) if (isDocument(element)) out.push(...valuesAt(element, parts));
    return out.length > 0 ? out : [undefined];
  }
  if (isDocument(value)) return head in value ? valuesAt(value[head], rest) : [undefined];
  return [undefined];
}

/** The single value at a path (no walking into arrays except by number), or undefined. */
export function getAt(value: unknown, parts: readonly string[]): unknown {
  let current = value;
  for (const part of parts) {
    if (Array.isArray(current) && isIndex(part)) current = current[Number(part)];
    else if (isDocument(current)) current = current[part];
    else return undefined;
  }
  return current;
}

export function setAt(doc: Doc, parts: readonly string[], value: unknown): void {
  let current: unknown = doc;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (Array.isArray(current) && isIndex(part)) {
      if (last) current[Number(part)] = value;
      else current = current[Number(part)] ??= {};
      return;
    }
    if (!isDocument(current)) {
      throw new CommandError(28, "PathNotViable", `Cannot create field '${part}' in element {${parts[i - 1] ?? ""}: ${describeValue(current)}}`);
    }
    if (last) current[part] = value;
    else current = current[part] ??= {};
  });
}

export function unsetAt(doc: Doc, parts: readonly string[]): void {
  const parent = getAt(doc, parts.slice(0, -1));
  const last = parts[parts.length - 1]!;
  if (Array.isArray(parent) && isIndex(last)) parent[Number(last)] = null;
  else if (isDocument(parent)) delete parent[last];
}

export const splitPath = (path: string): string[] => path.split(".");
