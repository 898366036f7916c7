/**
 * A function made from fixed code, as a new copy each time. V8 keeps its type feedback per copy of a
 * function's code, not per closure: closures made by one factory for hundreds of rules share it, their
 * calls become megamorphic and nothing is inlined. Rules that run once per sample get a copy of their own.
 * `body` is code written in this module's callers, never text from a spec.
 */
export function freshFactory<Args extends unknown[], Fn>(parameters: readonly string[], body: string): (...args: Args) => Fn {
  // Named after its parameters in CPU profiles (`--cpu-prof`), where every copy would otherwise be "(anonymous)".
  const source = `"use strict";\n${body}\n//# sourceURL=mapping-fresh/${parameters.join("_").slice(0, 60)}.js`;
  return (...args) => new Function(...parameters, source)(...args) as Fn;
}
