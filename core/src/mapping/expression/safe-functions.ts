import jsonata from "jsonata";
import type { ExpressionLimits } from "./limits.ts";

/**
 * Replacements for the JSONata built-ins whose cost is not bounded by the evaluation time limit (they
 * run as one native call, never re-entering the evaluator where the limit is checked):
 * - `$sort` without a comparator: JSONata's merge sort copies the array at every step (quadratic time,
 *   and a 900,000-item sort exhausts the heap); ours is the native sort, O(n log n).
 * - `$distinct`: quadratic deep comparison; ours is linear for scalars and bounded for objects.
 * - `$pad`, `$join`, `$replace`: refused before they build a string longer than the limit.
 * With a function argument these delegate to JSONata's own implementation, whose calls of that function
 * are evaluations and so stay under the time limit.
 */

interface JsonataFunction {
  implementation: (this: unknown, ...args: unknown[]) => unknown;
}

type Builtins = Record<"sort" | "distinct" | "pad" | "join" | "replace", JsonataFunction>;

let builtins: Promise<Builtins> | undefined;
const originals = (): Promise<Builtins> =>
  (builtins ??= jsonata('{"sort": $sort, "distinct": $distinct, "pad": $pad, "join": $join, "replace": $replace}').evaluate({}) as Promise<Builtins>);

/** A JSONata error object: the evaluator reports `message` and `code` as for its own errors. */
export function limitError(message: string): { code: string; message: string } {
  return { code: "LIMIT", message };
}

const isScalar = (value: unknown): boolean => value === null || (typeof value !== "object" && typeof value !== "function");

/** Objects above this many items are not compared pairwise by `$distinct`. */
const MAX_DISTINCT_OBJECTS = 2000;

export interface SafeFunction {
  name: string;
  signature: string;
  implementation: (this: unknown, ...args: unknown[]) => unknown;
}

export function safeFunctions(limits: ExpressionLimits): SafeFunction[] {
  const tooLong = (what: string, length: number) => limitError(`${what} would build a string of ${length} characters; the limit is ${limits.maxStringLength}`);
  return [
    {
      name: "sort",
      signature: "<af?:a>",
      async implementation(array, comparator) {
        if (array === undefined) return undefined;
        const items = array as unknown[];
        if (comparator !== undefined) return (await originals()).sort.implementation.call(this, items, comparator);
        if (items.length <= 1) return items;
        const numbers = items.every((item) => typeof item === "number");
        if (!numbers && !items.every((item) => typeof item === "string")) throw { code: "D3070", index: 1 };
        return [...(items as Array<number | string>)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      },
    },
    {
      name: "distinct",
      signature: "<x:x>",
      async implementation(array) {
        if (!Array.isArray(array) || array.length <= 1) return array;
        if (array.every(isScalar)) {
          const result = [...new Set(array)];
          return (array as { sequence?: boolean }).sequence ? Object.assign(result, { sequence: true }) : result;
        }
        if (array.length > MAX_DISTINCT_OBJECTS)
          throw limitError(`$distinct compares objects pairwise; at most ${MAX_DISTINCT_OBJECTS} are allowed, got ${array.length}`);
        return (await originals()).distinct.implementation.call(this, array);
      },
    },
    {
      name: "pad",
      signature: "<s-ns?:s>",
      async implementation(text, width, char) {
        if (typeof width === "number" && Math.abs(width) > limits.maxStringLength) throw tooLong("$pad", Math.abs(width));
        return (await originals()).pad.implementation.call(this, text, width, char);
      },
    },
    {
      name: "join",
      signature: "<a<s>s?:s>",
      async implementation(strings, separator) {
        if (Array.isArray(strings)) {
          let length = typeof separator === "string" ? separator.length * Math.max(0, strings.length - 1) : 0;
          for (const text of strings) length += typeof text === "string" ? text.length : 0;
          if (length > limits.maxStringLength) throw tooLong("$join", length);
        }
        return (await originals()).join.implementation.call(this, strings, separator);
      },
    },
    {
      name: "replace",
      signature: "<s-(sf)(sf)n?:s>",
      async implementation(text, pattern, replacement, limit) {
        if (typeof text === "string" && typeof pattern === "string" && typeof replacement === "string" && pattern.length > 0) {
          const matches = Math.floor(text.length / pattern.length);
          const bound = text.length + matches * Math.max(0, replacement.length - pattern.length);
          if (bound > limits.maxStringLength) throw tooLong("$replace", bound);
        }
        return (await originals()).replace.implementation.call(this, text, pattern, replacement, limit);
      },
    },
  ];
}
