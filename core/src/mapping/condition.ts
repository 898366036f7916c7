import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { ExpressionFailure, parseExpression, type ExpressionOptions } from "./expression/compile-expression.ts";
import { isTruthy } from "./expression/truthy.ts";
import type { MappingContext } from "./outcome.ts";

/**
 * A yes/no expression on one provider record: a stream's `filter` (records for which it is false are
 * skipped) and a detail request's `when`. The record is the input and `$record`; `$connection` is bound.
 */
export interface CompiledCondition {
  readonly source: string;
  /** Throws a UserError (ERR_MAPPING_FAILED) when the expression fails on this record. */
  test(record: unknown, ctx?: MappingContext): Promise<boolean>;
}

/**
 * Compiles a condition once; throws a UserError (ERR_MAPPING_INVALID) naming `where` (e.g.
 * "streams.activity[0].filter") when the expression is not allowed or does not parse.
 */
export function compileCondition(source: string, where: string, options: ExpressionOptions = {}): CompiledCondition {
  const parsed = parseExpression(source, options);
  if (!parsed.ok) {
    throw new UserError(ErrorCodes.MAPPING_INVALID, `${where}: ${JSON.stringify(source)}: ${parsed.problems.join("; ")}`, {
      hint: "Fix the expression in the connector spec (JSONata; see docs/connectors.md for what partner expressions may use).",
      details: { path: where, problems: parsed.problems },
    });
  }
  const expression = parsed.expression;
  return {
    source,
    async test(record, ctx = {}) {
      try {
        return isTruthy(await expression.evaluate(record, { record, connection: ctx.connection }));
      } catch (error) {
        if (!(error instanceof ExpressionFailure)) throw error;
        throw new UserError(ErrorCodes.MAPPING_FAILED, `${where} ${JSON.stringify(source)} failed on a record: ${error.message}`, {
          hint: "Fix the expression in the connector spec, then replay the record from the quarantine.",
          details: { path: where, code: error.code },
        });
      }
    },
  };
}

/**
 * The stream executor's expression engine (`compileExpression`): a stream's `filter` or a detail's
 * `when`, run with the `$connection` of the read or fetch it belongs to.
 */
export function compileStreamCondition(source: string): (record: unknown, ctx: MappingContext) => Promise<boolean> {
  const condition = compileCondition(source, "stream expression");
  return (record, ctx) => condition.test(record, ctx);
}
