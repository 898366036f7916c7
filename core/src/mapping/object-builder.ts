import type { Scope } from "./scope.ts";

type Run = (scope: Scope) => unknown;

const MAX_GENERATED_FIELDS = 64;

/**
 * A function building an object from its fields' values, leaving absent (undefined) ones out. Objects are
 * built once per sample, so the builder is generated per field list: when every field is present (the
 * usual case) it returns an object literal, which V8 allocates with its final shape at once, instead of
 * adding properties one by one through a generic keyed store. The generated text contains only the field
 * names, written as JSON string literals; "__proto__" never reaches here (the compiler refuses it).
 */
export function objectBuilder(keys: readonly string[], runs: readonly Run[], whenEmpty: () => unknown): Run {
  if (keys.length === 0) return whenEmpty;
  if (keys.length > MAX_GENERATED_FIELDS || keys.includes("__proto__")) return genericBuilder(keys, runs, whenEmpty);
  const names = keys.map((key) => JSON.stringify(key));
  const indices = keys.map((_, i) => i);
  const source = [
    `"use strict";`,
    ...indices.map((i) => `const r${i} = runs[${i}];`),
    `return function build(scope) {`,
    ...indices.map((i) => `  const v${i} = r${i}(scope);`),
    `  if (${indices.map((i) => `v${i} !== undefined`).join(" && ")}) return { ${indices.map((i) => `${names[i]}: v${i}`).join(", ")} };`,
    `  let out;`,
    ...indices.map((i) => `  if (v${i} !== undefined) (out ??= {})[${names[i]}] = v${i};`),
    `  return out === undefined ? whenEmpty() : out;`,
    `};`,
  ].join("\n");
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- field names only, as JSON literals (see above)
  return new Function("runs", "whenEmpty", source)(runs, whenEmpty) as Run;
}

function genericBuilder(keys: readonly string[], runs: readonly Run[], whenEmpty: () => unknown): Run {
  return (scope) => {
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < runs.length; i++) {
      const value = runs[i]!(scope);
      if (value === undefined) continue;
      out ??= {};
      if (keys[i] === "__proto__") Object.defineProperty(out, "__proto__", { value, enumerable: true, writable: true, configurable: true });
      else out[keys[i]!] = value;
    }
    return out ?? whenEmpty();
  };
}

/**
 * A function building a fixed-length array (a [lat, lng] pair) from its items' values: absent when one of
 * them is. Generated per length, like objects, so the array is an array literal.
 */
export function tupleBuilder(runs: readonly Run[]): Run {
  if (runs.length === 0 || runs.length > MAX_GENERATED_FIELDS) return genericTuple(runs);
  const indices = runs.map((_, i) => i);
  const source = [
    `"use strict";`,
    ...indices.map((i) => `const r${i} = runs[${i}];`),
    `return function tuple(scope) {`,
    ...indices.map((i) => `  const v${i} = r${i}(scope);\n  if (v${i} === undefined) return undefined;`),
    `  return [${indices.map((i) => `v${i}`).join(", ")}];`,
    `};`,
  ].join("\n");
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- fixed code and indices only
  return new Function("runs", source)(runs) as Run;
}

function genericTuple(runs: readonly Run[]): Run {
  return (scope) => {
    const out = new Array<unknown>(runs.length);
    for (let i = 0; i < runs.length; i++) {
      const value = runs[i]!(scope);
      if (value === undefined) return undefined;
      out[i] = value;
    }
    return out;
  };
}
