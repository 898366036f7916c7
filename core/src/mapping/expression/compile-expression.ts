import jsonata from "jsonata";
import { checkExpressionTree } from "./check-expression.ts";
import { MAX_EXPRESSION_LENGTH, resolveLimits, type ExpressionLimits } from "./limits.ts";
import { limitError, safeFunctions } from "./safe-functions.ts";

/**
 * JSONata expressions from connector specs, compiled once and evaluated in a sandbox: JSONata has no I/O
 * and cannot reach JavaScript objects' prototypes; on top of that every evaluation is bounded in time,
 * depth, sequence length and string length, and untrusted (partner) expressions may not use regular
 * expressions, `$eval` or order-by (see check-expression.ts).
 */
export interface ExpressionOptions {
  /** Expressions written by the project itself (TypeScript connectors) may use regular expressions. @default false */
  trusted?: boolean;
  limits?: Partial<ExpressionLimits>;
}

export interface SandboxedExpression {
  readonly source: string;
  /** Every `$name` the expression reads (built-in functions included). */
  readonly variables: ReadonlySet<string>;
  /** The fields of `$connection` it reads by name (`$connection.provider_user_id`). */
  readonly connectionFields: ReadonlySet<string>;
  /** The result as plain JSON data (undefined when the expression yields nothing); throws ExpressionFailure. */
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

/** An expression that stopped: its JSONata error code and a sentence saying why. */
export class ExpressionFailure extends Error {
  readonly code: string;
  readonly expression: string;
  constructor(expression: string, code: string, message: string) {
    super(message);
    this.name = "ExpressionFailure";
    this.code = code;
    this.expression = expression;
  }
}

export type ParsedExpression = { ok: true; expression: SandboxedExpression } | { ok: false; problems: string[] };

/** A regular-expression engine that refuses to run: the last line of defence behind the syntax check. */
class RefusedRegExp {
  constructor() {
    throw limitError("regular expressions are not allowed in connector expressions");
  }
}

const EXIT_HOOK = Symbol.for("jsonata.__evaluate_exit");

/** Compiles an expression, or says everything wrong with it. */
export function parseExpression(source: string, options: ExpressionOptions = {}): ParsedExpression {
  if (typeof source !== "string" || source.trim() === "") return { ok: false, problems: ["an expression must be non-empty text"] };
  if (source.length > MAX_EXPRESSION_LENGTH)
    return { ok: false, problems: [`an expression may be at most ${MAX_EXPRESSION_LENGTH} characters long (this one has ${source.length})`] };
  const trusted = options.trusted === true;
  const limits = resolveLimits(options.limits);
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(source, {
      timeout: limits.timeoutMs,
      stack: limits.maxDepth,
      sequence: limits.maxSequence,
      ...(trusted ? {} : { RegexEngine: RefusedRegExp as unknown as RegExpConstructor }),
    });
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problems: ["the expression is nested too deeply to parse"] };
    return { ok: false, problems: [`syntax error: ${describeJsonataError(error)}`] };
  }
  const check = checkExpressionTree(compiled.ast(), trusted);
  if (check.problems.length > 0) return { ok: false, problems: check.problems };

  for (const safe of safeFunctions(limits)) compiled.registerFunction(safe.name, safe.implementation as never, safe.signature);
  // Checked after every evaluation step: no single step may leave a string longer than the limit behind
  // (string concatenation in a loop doubles a string in a few steps).
  compiled.assign(EXIT_HOOK as unknown as string, (_node: unknown, _input: unknown, _environment: unknown, result: unknown) => {
    if (typeof result === "string" && result.length > limits.maxStringLength) {
      throw limitError(`a string of ${result.length} characters was built; the limit is ${limits.maxStringLength}`);
    }
  });

  const expression: SandboxedExpression = {
    source,
    variables: check.variables,
    connectionFields: check.connectionFields,
    async evaluate(input, bindings) {
      let result: unknown;
      try {
        result = await compiled.evaluate(input, bindings);
      } catch (error) {
        throw toFailure(source, error, limits);
      }
      return toPlain(source, result, 0);
    },
  };
  return { ok: true, expression };
}

/** Compiles an expression; throws a TypeError listing its problems. */
export function compileExpression(source: string, options: ExpressionOptions = {}): SandboxedExpression {
  const parsed = parseExpression(source, options);
  if (!parsed.ok) throw new TypeError(`expression ${JSON.stringify(source)}: ${parsed.problems.join("; ")}`);
  return parsed.expression;
}

function describeJsonataError(error: unknown): string {
  if (error !== null && typeof error === "object") {
    const { message, code, position } = error as { message?: string; code?: string; position?: number };
    const where = typeof position === "number" ? ` at character ${position}` : "";
    return `${message ?? String(error)}${code ? ` (JSONata ${code}${where})` : where}`;
  }
  return String(error);
}

function toFailure(source: string, error: unknown, limits: ExpressionLimits): ExpressionFailure {
  if (error instanceof RangeError) {
    // The JavaScript stack ran out before the depth limit did (deep recursion through built-ins).
    return new ExpressionFailure(source, "D1011", `stopped: nested too deeply (${error.message})`);
  }
  const code =
    error !== null && typeof error === "object" && typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : "ERROR";
  const detail = describeJsonataError(error);
  switch (code) {
    case "D1012":
      return new ExpressionFailure(source, code, `stopped after ${limits.timeoutMs} ms: ${detail}`);
    case "D1011":
      return new ExpressionFailure(source, code, `stopped at depth ${limits.maxDepth}: ${detail} — check for unbounded recursion`);
    case "D2014":
    case "D2015":
      return new ExpressionFailure(source, code, `stopped: ${detail} (the limit is ${limits.maxSequence} items)`);
    case "LIMIT":
      return new ExpressionFailure(source, code, `stopped: ${(error as { message: string }).message}`);
    default:
      return new ExpressionFailure(source, code, detail);
  }
}

const MAX_RESULT_DEPTH = 64;

/**
 * JSONata results carry its internals: sequences are arrays with marker properties, and functions are
 * objects holding their environment. Results become plain JSON data; a function is an error.
 */
function toPlain(source: string, value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "function") throw new ExpressionFailure(source, "RESULT", "the expression's result is a function, not data");
    if (typeof value === "number" && !Number.isFinite(value))
      throw new ExpressionFailure(source, "RESULT", `the expression's result is not a finite number (${value})`);
    return value;
  }
  if (depth > MAX_RESULT_DEPTH) throw new ExpressionFailure(source, "RESULT", `the expression's result is nested more than ${MAX_RESULT_DEPTH} levels deep`);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = toPlain(source, value[i], depth + 1);
      if (item !== undefined) out.push(item);
    }
    return out;
  }
  if ("_jsonata_lambda" in value || "_jsonata_function" in value) {
    throw new ExpressionFailure(source, "RESULT", "the expression's result is a function, not data");
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = toPlain(source, (value as Record<string, unknown>)[key], depth + 1);
    if (item === undefined) continue;
    if (key === "__proto__") Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}
