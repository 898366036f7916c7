import type { ValueInput, ValueSource } from "@tributary/schemas";
import { compilePointer } from "../spec/pointer.ts";
import { constant, FAILED, problem, type CompileEnv, type Compiled } from "./compiled.ts";
import { ExpressionFailure, parseExpression, type SandboxedExpression } from "./expression/compile-expression.ts";
import { freshFactory } from "./fresh-function.ts";
import { report, type FieldPath, type Scope } from "./scope.ts";

/** Names an expression always has besides the mapping's `let` values. */
export const BOUND_NAMES = ["record", "connection", "index"] as const;

const SOURCE_KEYS = ["path", "var", "expr", "value"] as const;

/** Which source keys a rule object has. */
export const sourceKeysOf = (rule: object): string[] => SOURCE_KEYS.filter((key) => Object.hasOwn(rule, key));

/**
 * Where a value comes from: a JSON pointer into the current scope (or the record), a `let` value or the
 * element's position, a JSONata expression, or a constant. Absent data reads as undefined.
 */
export function compileSource(source: ValueSource, at: FieldPath, spec: string, env: CompileEnv): Compiled {
  const keys = sourceKeysOf(source);
  if (keys.length !== 1) {
    problem(env, spec, keys.length === 0 ? "needs one of path, var, expr or value" : `has ${keys.join(" and ")}; give exactly one of path, var, expr or value`);
    return constant(undefined);
  }
  if (source.from !== undefined && source.path === undefined) problem(env, `${spec}.from`, "applies to `path` only");
  if (source.path !== undefined) return compilePath(source.path, source.from === "record" || env.depth === 0, spec, env);
  if (source.var !== undefined) return compileVar(source.var, spec, env);
  if (source.expr !== undefined) return compileExpr(source.expr, at, `${spec}.expr`, env);
  return compileConstant(source.value);
}

/** A `ValueInput`: a constant (text, number…) or a source. */
export function compileInput(input: ValueInput, at: FieldPath, spec: string, env: CompileEnv): Compiled {
  if (input === null || typeof input !== "object") return constant(input);
  return compileSource(input, at, spec, env);
}

function compilePath(pointer: string, fromRecord: boolean, spec: string, env: CompileEnv): Compiled {
  if (pointer !== "" && !pointer.startsWith("/")) {
    problem(env, `${spec}.path`, `${JSON.stringify(pointer)} is not a JSON pointer (it starts with "/", or is "" for the whole document)`);
    return constant(undefined);
  }
  const read = fastPointer(pointer);
  if (fromRecord) return { async: false, run: (scope) => read(scope.run.record) };
  const key = plainKey(pointer);
  return key === undefined ? { async: false, run: scopeReader(read) } : { async: false, run: scopeReader(read), elementKey: key };
}

/**
 * A one-step pointer reads the property directly: JSON data has only own properties, so the own-property
 * check of the general lookup is needed only for names that objects inherit ("constructor", "__proto__").
 */
function fastPointer(pointer: string): (document: unknown) => unknown {
  const key = plainKey(pointer);
  return key === undefined ? compilePointer(pointer) : propertyReader(key);
}

/** The property a one-step pointer names, unless objects inherit a property of that name. */
function plainKey(pointer: string): string | undefined {
  if (pointer === "" || pointer.indexOf("/", 1) !== -1 || pointer.includes("~")) return undefined;
  const key = pointer.slice(1);
  return key in Object.prototype || key === "__proto__" ? undefined : key;
}

const propertyReader = freshFactory<[string], (document: unknown) => unknown>(
  ["key"],
  `
  return (document) => (document !== null && typeof document === "object" ? document[key] : undefined);`,
);
const varReader = freshFactory<[number], Compiled["run"]>(
  ["slot"],
  `
  return (scope) => scope.run.vars[slot];`,
);
const scopeReader = freshFactory<[(document: unknown) => unknown], Compiled["run"]>(
  ["read"],
  `
  return (scope) => read(scope.current);`,
);

function compileVar(name: string, spec: string, env: CompileEnv): Compiled {
  if (name === "index") {
    if (env.depth === 0) problem(env, `${spec}.var`, "`index` is the position inside `each` or `zip`, and this rule is not inside one");
    return { async: false, run: (scope) => scope.index };
  }
  const slot = env.vars.get(name);
  if (slot === undefined) {
    problem(
      env,
      `${spec}.var`,
      env.vars.size === 0
        ? `no \`let\` value is named ${JSON.stringify(name)} (the mapping declares none before this rule)`
        : `no \`let\` value is named ${JSON.stringify(name)} before this rule; declared: ${[...env.vars.keys()].join(", ")}`,
    );
    return constant(undefined);
  }
  return { async: false, run: varReader(slot) };
}

function compileConstant(value: unknown): Compiled {
  if (value === null || typeof value !== "object") return constant(value);
  // Each record gets its own copy: a later stage that edits one output must not edit the others.
  const json = JSON.stringify(value);
  return { async: false, run: () => JSON.parse(json) as unknown };
}

/** Compiles an expression for a rule; reports its problems against the spec path. */
export function compileExpressionAt(source: string, spec: string, env: CompileEnv): SandboxedExpression | undefined {
  const parsed = parseExpression(source, env.options);
  if (!parsed.ok) {
    for (const message of parsed.problems) problem(env, spec, `${JSON.stringify(source)}: ${message}`);
    return undefined;
  }
  for (const name of parsed.expression.variables) {
    if (env.depth === 0 && name === "index") problem(env, spec, "$index is the position inside `each` or `zip`, and this expression is not inside one");
  }
  return parsed.expression;
}

function compileExpr(source: string, at: FieldPath, spec: string, env: CompileEnv): Compiled {
  const expression = compileExpressionAt(source, spec, env);
  if (!expression) return constant(undefined);
  return {
    async: true,
    run: (scope) => evaluateInScope(expression, scope, at),
  };
}

/** Evaluates an expression on the scope's element with the mapping's names bound; failures become issues. */
export async function evaluateInScope(expression: SandboxedExpression, scope: Scope, at: FieldPath): Promise<unknown> {
  const run = scope.run;
  if (run.outOfTime) return FAILED;
  if (Date.now() > run.deadline) {
    run.outOfTime = true;
    report(scope, at, "limit", "not evaluated: the record's expression time is spent (see the earlier issues, or the expressions' cost)");
    return FAILED;
  }
  const bindings: Record<string, unknown> = { record: run.record, connection: run.ctx.connection, index: scope.index };
  for (let i = 0; i < run.varNames.length; i++) bindings[run.varNames[i]!] = run.vars[i];
  try {
    return await expression.evaluate(scope.current, bindings);
  } catch (error) {
    if (!(error instanceof ExpressionFailure)) throw error;
    report(scope, at, "expr", `expression ${JSON.stringify(expression.source)} failed: ${error.message}`);
    return FAILED;
  }
}

/** How a source is named in messages: "/id", "let distance", "expression …", "a constant". */
export function describeSource(source: ValueSource): string {
  if (source.path !== undefined) return source.path === "" ? "the whole element" : source.path;
  if (source.var !== undefined) return source.var === "index" ? "index" : `let ${source.var}`;
  if (source.expr !== undefined) return `expression ${JSON.stringify(source.expr.length > 60 ? `${source.expr.slice(0, 57)}...` : source.expr)}`;
  return "the constant";
}
