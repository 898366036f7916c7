import type { ProviderRecord } from "../contracts/connector.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

/** Names an expression reads besides the record: `$connection`, the connection the read or fetch is for. */
export interface ExpressionBindings {
  connection?: Readonly<Record<string, unknown>> | undefined;
}

/** A stream `filter` or detail `when`, compiled: true keeps the record (or fetches the detail). */
export type RecordPredicate = (record: ProviderRecord, bound: ExpressionBindings) => boolean | Promise<boolean>;

/**
 * Compiles an expression of the spec's expression language (JSONata, sandboxed — the mapping engine
 * provides it). Called once per expression; the predicate runs per record.
 */
export type ExpressionCompiler = (expression: string) => RecordPredicate;

/** Compile through the injected engine, or say clearly that the spec needs one. */
export function predicateCompiler(compile: ExpressionCompiler | undefined): (expression: string, where: string) => RecordPredicate {
  return (expression, where) => {
    if (!compile) {
      throw new UserError(ErrorCodes.SPEC_INVALID, `${where} is an expression, but no expression engine was given to the stream executor`, {
        hint: "Create the stream executor with compileExpression (the mapping engine's filter compiler).",
      });
    }
    return compile(expression);
  };
}

/** An expression that threw on one record: that record is rejected (quarantined), not the whole read. */
export function expressionFailed(error: unknown, where: string): UserError {
  if (error instanceof UserError) return error;
  return new UserError(ErrorCodes.MAPPING_FAILED, `${where} could not be evaluated on a record: ${error instanceof Error ? error.message : String(error)}`, {
    hint: "Fix the expression in the connector spec; the record was set aside.",
    cause: error,
  });
}
