import type { EachRule, MappingNode, ValueRule, ZipRule } from "@tributary/schemas";
import { compileEach, compileZip } from "./compile-list.ts";
import { sourceKeysOf } from "./compile-source.ts";
import { compileValueRule } from "./compile-value-rule.ts";
import { constant, problem, type CompileEnv, type Compiled } from "./compiled.ts";
import { objectBuilder, tupleBuilder } from "./object-builder.ts";
import type { FieldPath } from "./scope.ts";

/**
 * A template node: an object with `each` or `zip` builds a list, an object with a source key (path, var,
 * expr, value) is a value rule, an array is a tuple, any other object nests, and a scalar is a constant.
 */
export function compileNode(node: MappingNode, at: FieldPath, path: string, env: CompileEnv): Compiled {
  if (Array.isArray(node)) return compileTuple(node, at, path, env);
  if (node === null || typeof node !== "object") return constant(node);
  if (Object.hasOwn(node, "each")) return compileEach(node as EachRule, at, path, env);
  if (Object.hasOwn(node, "zip")) return compileZip(node as ZipRule, at, path, env);
  if (sourceKeysOf(node).length > 0) return compileValueRule(node as ValueRule, at, path, env);
  return compileObject(node as Record<string, MappingNode>, at, path, env, false);
}

/**
 * An object of fields. Absent fields are left out (never written as undefined); an object whose fields
 * are all absent is itself absent, except the record itself.
 */
export function compileObject(node: Record<string, MappingNode>, at: FieldPath, path: string, env: CompileEnv, root: boolean): Compiled {
  const keys: string[] = [];
  const children: Compiled[] = [];
  for (const key of Object.keys(node)) {
    if (key === "__proto__") {
      problem(env, `${path}.${key}`, "is not a field name an output may have");
      continue;
    }
    keys.push(key);
    children.push(compileNode(node[key]!, [...at, key], `${path}.${key}`, env));
  }
  const empty = root ? () => ({}) : () => undefined;
  if (!children.some((child) => child.async)) {
    return {
      async: false,
      run: objectBuilder(
        keys,
        children.map((child) => child.run),
        empty,
      ),
    };
  }
  return {
    async: true,
    run: async (scope) => {
      let out: Record<string, unknown> | undefined;
      for (let i = 0; i < children.length; i++) {
        const child = children[i]!;
        const value = child.async ? await child.run(scope) : child.run(scope);
        if (value !== undefined) (out ??= {})[keys[i]!] = value;
      }
      return out ?? empty();
    },
  };
}

/** A fixed-length array (a [lat, lng] pair): present only when every item is. */
function compileTuple(nodes: MappingNode[], at: FieldPath, path: string, env: CompileEnv): Compiled {
  const items = nodes.map((node, i) => compileNode(node, [...at, String(i)], `${path}[${i}]`, env));
  if (!items.some((item) => item.async)) return { async: false, run: tupleBuilder(items.map((item) => item.run)) };
  return {
    async: true,
    run: async (scope) => {
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) {
        const value = await items[i]!.run(scope);
        if (value === undefined) return undefined;
        out[i] = value;
      }
      return out;
    },
  };
}
