// Declarative mappings: a connector's MappingSpec compiled once into a function from a provider record
// to a Terra Standard record, with a sandboxed JSONata for expressions, units, enums and times.
export { compileMapping } from "./compile-mapping.ts";
export type { CompiledMapping, MappingCompileOptions } from "./compile-mapping.ts";
export type { MappedRecord, MappingContext, MappingIssue, MappingOutcome } from "./outcome.ts";
export { compileCondition, compileStreamCondition } from "./condition.ts";
export { connectionBinding } from "./connection-binding.ts";
export type { CompiledCondition } from "./condition.ts";
export { compileExpression, parseExpression, ExpressionFailure } from "./expression/compile-expression.ts";
export type { ExpressionOptions, SandboxedExpression } from "./expression/compile-expression.ts";
export { DEFAULT_EXPRESSION_LIMITS } from "./expression/limits.ts";
export type { ExpressionLimits } from "./expression/limits.ts";
export { findUnit, unitConverter, unitNames, conversionProblem, parseIsoDurationSeconds } from "./units.ts";
export type { Dimension, Unit } from "./units.ts";
export { formatTimestamp, formatDate, timeZone, localToInstant, parseDateTime, readOffset, offsetSuffix } from "./time.ts";
export type { TimeZone } from "./time.ts";
