import type { EachRule, ValueSource, ZipRule } from "@tributary/schemas";
import { describe } from "./coerce.ts";
import { compileNode } from "./compile-node.ts";
import { compileSource, describeSource } from "./compile-source.ts";
import { FAILED, problem, type CompileEnv, type Compiled } from "./compiled.ts";
import { freshFactory } from "./fresh-function.ts";
import { ELEMENT, report, type FieldPath, type Scope } from "./scope.ts";

/**
 * `each`: one output item per element of a provider list (or per entry of an object, as `{ key, value }`,
 * with `entries`). Items that come out absent, or without one of the `require`d fields, are dropped.
 */
export function compileEach(rule: EachRule, at: FieldPath, path: string, env: CompileEnv): Compiled {
  const list = compileSource(rule.each, at, `${path}.each`, env);
  const item = compileNode(rule.item, [...at, ELEMENT], `${path}.item`, { ...env, depth: env.depth + 1 });
  const keep = compileRequire(rule.require, `${path}.require`, env);
  const entries = rule.entries === true;
  const whence = describeSource(rule.each);

  const elementsOf = (value: unknown, scope: Scope): unknown[] | undefined => {
    if (value === undefined || value === null || value === FAILED) return undefined;
    if (entries) {
      if (typeof value !== "object" || Array.isArray(value)) {
        report(scope, at, "each", `${whence} is ${describe(value)}, not an object to iterate with \`entries\``);
        return undefined;
      }
      return Object.keys(value).map((key) => ({ key, value: (value as Record<string, unknown>)[key] }));
    }
    if (!Array.isArray(value)) {
      report(scope, at, "each", `${whence} is ${describe(value)}, not a list`);
      return undefined;
    }
    return value;
  };

  if (!list.async && !item.async) {
    return { async: false, run: eachLoop(list.run, elementsOf, item.run, keep) };
  }
  return {
    async: true,
    run: async (scope) => {
      const elements = elementsOf(await list.run(scope), scope);
      if (elements === undefined) return undefined;
      const child: Scope = { run: scope.run, parent: scope, current: undefined, index: -1 };
      const out: unknown[] = [];
      // One element at a time: each expression's time limit is measured alone, not shared with thousands.
      for (let i = 0; i < elements.length; i++) {
        child.current = elements[i];
        child.index = i;
        const value = item.async ? await item.run(child) : item.run(child);
        if (value !== undefined && (keep === undefined || keep(value))) out.push(value);
      }
      return out;
    },
  };
}

type Run = (scope: Scope) => unknown;
const presentField = freshFactory<[string], (value: unknown) => boolean>(
  ["key"],
  `
  return (value) => value !== null && typeof value === "object" && value[key] != null;`,
);
// Runs once per element of every list: a copy of its own per rule (see fresh-function.ts). The output is
// sized for every element at once and cut to the items kept, instead of grown (and copied) as it fills.
const eachLoop = freshFactory<[Run, (value: unknown, scope: Scope) => unknown[] | undefined, Run, ((value: unknown) => boolean) | undefined], Run>(
  ["read", "elementsOf", "make", "keep"],
  `
  return (scope) => {
    const elements = elementsOf(read(scope), scope);
    if (elements === undefined) return undefined;
    const child = { run: scope.run, parent: scope, current: undefined, index: -1 };
    const length = elements.length;
    const out = new Array(length);
    let kept = 0;
    for (let i = 0; i < length; i++) {
      child.current = elements[i];
      child.index = i;
      const value = make(child);
      if (value !== undefined && (keep === undefined || keep(value))) out[kept++] = value;
    }
    if (kept < length) out.length = kept;
    return out;
  };`,
);

/**
 * `zip`: parallel provider arrays (Peloton's performance graph: one array of offsets, one per metric)
 * walked together; the element is `{ <name>: array[i], … }`, as many as the shortest array has. When one
 * of the arrays is absent, so is the list.
 */
export function compileZip(rule: ZipRule, at: FieldPath, path: string, env: CompileEnv): Compiled {
  const names = Object.keys(rule.zip ?? {});
  if (names.length === 0) problem(env, `${path}.zip`, "names no array to walk");
  const sources = names.map((name) => compileSource(rule.zip[name] as ValueSource, at, `${path}.zip.${name}`, env));
  const item = compileNode(rule.item, [...at, ELEMENT], `${path}.item`, { ...env, depth: env.depth + 1 });
  const keep = compileRequire(rule.require, `${path}.require`, env);

  const arraysOf = (values: unknown[], scope: Scope): unknown[][] | undefined => {
    for (let k = 0; k < values.length; k++) {
      const value = values[k];
      if (value === undefined || value === null || value === FAILED) return undefined;
      if (!Array.isArray(value)) {
        report(scope, at, "zip", `${names[k]} (${describeSource(rule.zip[names[k]!]!)}) is ${describe(value)}, not a list`);
        return undefined;
      }
    }
    return values as unknown[][];
  };
  const element = (arrays: unknown[][], i: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let k = 0; k < names.length; k++) out[names[k]!] = arrays[k]![i];
    return out;
  };
  const shortest = (arrays: unknown[][]): number => arrays.reduce((min, array) => Math.min(min, array.length), Number.POSITIVE_INFINITY);

  if (!sources.some((source) => source.async) && !item.async) {
    const reads = sources.map((source) => source.run);
    const make = item.run;
    return {
      async: false,
      run: (scope) => {
        const arrays = arraysOf(
          reads.map((read) => read(scope)),
          scope,
        );
        if (arrays === undefined) return undefined;
        const length = shortest(arrays);
        const child: Scope = { run: scope.run, parent: scope, current: undefined, index: -1 };
        const out = new Array<unknown>(length);
        let kept = 0;
        for (let i = 0; i < length; i++) {
          child.current = element(arrays, i);
          child.index = i;
          const value = make(child);
          if (value !== undefined && (keep === undefined || keep(value))) out[kept++] = value;
        }
        if (kept < length) out.length = kept;
        return out;
      },
    };
  }
  return {
    async: true,
    run: async (scope) => {
      const values: unknown[] = [];
      for (const source of sources) values.push(await source.run(scope));
      const arrays = arraysOf(values, scope);
      if (arrays === undefined) return undefined;
      const length = shortest(arrays);
      const child: Scope = { run: scope.run, parent: scope, current: undefined, index: -1 };
      const out: unknown[] = [];
      for (let i = 0; i < length; i++) {
        child.current = element(arrays, i);
        child.index = i;
        const value = item.async ? await item.run(child) : item.run(child);
        if (value !== undefined && (keep === undefined || keep(value))) out.push(value);
      }
      return out;
    },
  };
}

/** `require: [bpm, "coords.lat"]`: the item is kept only when each of these fields is present and not null. */
function compileRequire(fields: string[] | undefined, path: string, env: CompileEnv): ((value: unknown) => boolean) | undefined {
  if (fields === undefined || fields.length === 0) return undefined;
  const paths: string[][] = [];
  for (const field of fields) {
    if (typeof field !== "string" || field === "" || field.split(".").some((part) => part === ""))
      problem(env, path, `${JSON.stringify(field)} is not a field name (use dots for nested fields: "a.b")`);
    else paths.push(field.split("."));
  }
  if (paths.length === 1 && paths[0]!.length === 1 && !(paths[0]![0]! in Object.prototype)) {
    return presentField(paths[0]![0]!);
  }
  return (value) => {
    for (const parts of paths) {
      let current: unknown = value;
      for (const part of parts) {
        if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return false;
        current = (current as Record<string, unknown>)[part];
      }
      if (current === undefined || current === null) return false;
    }
    return true;
  };
}
