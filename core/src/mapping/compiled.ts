import type { ExpressionOptions } from "./expression/compile-expression.ts";
import type { Scope } from "./scope.ts";

/**
 * A compiled piece of a mapping. Pieces without expressions are synchronous; a piece that evaluates an
 * expression (JSONata evaluates asynchronously) returns a Promise, and so does every piece containing it.
 */
export interface Compiled {
  readonly async: boolean;
  readonly run: (scope: Scope) => unknown;
  /** Set when the piece reads one plain property of the current element (a rule may fuse the read). */
  readonly elementKey?: string;
}

/** A value that failed (the issue is already reported): it is left out without a second "required" issue. */
export const FAILED = Symbol("failed");

export const constant = (value: unknown): Compiled => ({ async: false, run: () => value });

export interface CompileOptions extends ExpressionOptions {
  /** Expression time one record may spend in total before its remaining expressions are not started. @default 5000 */
  recordTimeoutMs?: number;
}

/** What the compiler knows while it walks a mapping: problems found so far and the names in scope. */
export interface CompileEnv {
  readonly options: CompileOptions;
  readonly problems: Array<{ path: string; message: string }>;
  /** `let` names declared before the rule being compiled, with their slots in `Run.vars`. */
  readonly vars: ReadonlyMap<string, number>;
  /** Nesting of `each`/`zip` around the rule being compiled (0 at the top). */
  readonly depth: number;
}

export function problem(env: CompileEnv, path: string, message: string): void {
  env.problems.push({ path, message });
}
