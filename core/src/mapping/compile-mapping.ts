import { getSchemaRegistry, MappingSpecSchema, type MappingNode, type MappingSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { compileObject } from "./compile-node.ts";
import { BOUND_NAMES, compileExpressionAt, evaluateInScope } from "./compile-source.ts";
import { compileValueRule } from "./compile-value-rule.ts";
import { FAILED, type CompileEnv, type CompileOptions, type Compiled } from "./compiled.ts";
import { JSONATA_FUNCTION_NAMES } from "./expression/builtin-names.ts";
import { isTruthy } from "./expression/truthy.ts";
import type { MappedRecord, MappingContext, MappingOutcome } from "./outcome.ts";
import { issuesOf, newRun, type Run, type Scope } from "./scope.ts";

export interface CompiledMapping {
  /** True when the mapping has no expression: `map` then returns its outcome synchronously. */
  readonly synchronous: boolean;
  /**
   * Maps one provider record (from a pull or a push). Synchronous mappings return the outcome itself;
   * mappings with expressions return a Promise of it (`await` works for both).
   */
  map(record: unknown, ctx?: MappingContext): MappingOutcome | Promise<MappingOutcome>;
}

export interface MappingCompileOptions extends CompileOptions {
  /** Where the mapping is in its connector spec, for error messages. @default "mapping" */
  name?: string;
}

const DEFAULT_RECORD_TIMEOUT_MS = 5000;
const RESERVED = new Set<string>([...BOUND_NAMES, ...JSONATA_FUNCTION_NAMES]);

/**
 * Compiles a mapping spec once, when the connector loads, into a function from one provider record to
 * one Terra Standard record. Every mistake in the spec is reported at once, as a UserError
 * (ERR_MAPPING_INVALID) listing each with its place in the spec.
 */
export function compileMapping(spec: MappingSpec, options: MappingCompileOptions = {}): CompiledMapping {
  const name = options.name ?? "mapping";
  const checked = getSchemaRegistry().validate(MappingSpecSchema.$id!, spec);
  if (!checked.ok)
    throw invalid(
      name,
      checked.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    );

  const problems: CompileEnv["problems"] = [];
  const declared = new Map<string, number>();
  const lets: Array<{ name: string; compiled: Compiled }> = [];
  for (const [varName, rule] of Object.entries(spec.let ?? {})) {
    if (RESERVED.has(varName)) {
      problems.push({
        path: `let.${varName}`,
        message: `the name is taken (${BOUND_NAMES.includes(varName as never) ? `$${varName} is bound in every expression` : `$${varName} is a JSONata function`}); choose another`,
      });
      continue;
    }
    const env: CompileEnv = { options, problems, vars: new Map(declared), depth: 0 };
    lets.push({ name: varName, compiled: compileValueRule(rule, ["let", varName], `let.${varName}`, env) });
    declared.set(varName, lets.length - 1);
  }

  let when: ReturnType<typeof compileExpressionAt>;
  if (spec.when !== undefined) {
    when = compileExpressionAt(spec.when, "when", { options, problems, vars: new Map(), depth: 0 });
    const early = when ? [...when.variables].filter((variable) => declared.has(variable)) : [];
    if (early.length > 0)
      problems.push({
        path: "when",
        message: `reads ${early.map((v) => `$${v}`).join(", ")}, but \`when\` runs before the \`let\` values are computed; read the record instead`,
      });
  }

  const env: CompileEnv = { options, problems, vars: declared, depth: 0 };
  const template = compileObject(spec.template as Record<string, MappingNode>, [], "template", env, true);
  if (problems.length > 0)
    throw invalid(
      name,
      problems.map((p) => ({ path: p.path === "" ? name : `${name}.${p.path}`, message: p.message })),
    );

  const recordTimeoutMs = options.recordTimeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS;
  const varNames = lets.map((entry) => entry.name);
  const synchronous = when === undefined && !template.async && lets.every((entry) => !entry.compiled.async);
  const finish = (run: Run, record: unknown): MappingOutcome =>
    run.issueCount > 0
      ? { kind: "failed", issues: issuesOf(run), partial: (record ?? {}) as MappedRecord }
      : run.notes.length > 0
        ? { kind: "record", record: record as MappedRecord, notes: run.notes }
        : { kind: "record", record: record as MappedRecord };

  if (synchronous) {
    return {
      synchronous,
      map(record, ctx = {}) {
        const run = newRun(record, ctx, Number.POSITIVE_INFINITY, varNames);
        const scope: Scope = { run, parent: undefined, current: record, index: -1 };
        for (let i = 0; i < lets.length; i++) run.vars[i] = lets[i]!.compiled.run(scope);
        return finish(run, template.run(scope));
      },
    };
  }
  const condition = when;
  return {
    synchronous,
    async map(record, ctx = {}) {
      const run = newRun(record, ctx, Date.now() + recordTimeoutMs, varNames);
      const scope: Scope = { run, parent: undefined, current: record, index: -1 };
      if (condition) {
        const verdict = await evaluateInScope(condition, scope, []);
        if (verdict === FAILED) return finish(run, {});
        if (!isTruthy(verdict)) return { kind: "skip" };
      }
      for (let i = 0; i < lets.length; i++) {
        const compiled = lets[i]!.compiled;
        run.vars[i] = compiled.async ? await compiled.run(scope) : compiled.run(scope);
      }
      return finish(run, template.async ? await template.run(scope) : template.run(scope));
    },
  };
}

function invalid(name: string, problems: Array<{ path: string; message: string }>): UserError {
  const lines = problems.map((p) => (p.message.startsWith(p.path) ? p.message : `${p.path}: ${p.message}`));
  return new UserError(
    ErrorCodes.MAPPING_INVALID,
    `Mapping ${JSON.stringify(name)} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${lines.join("\n  - ")}`,
    {
      hint: "Fix each place named in the connector spec; the mapping grammar is described in schemas/src/connector-spec/mapping.ts.",
      details: { problems },
    },
  );
}
