/**
 * Bounds on one evaluation of a connector's expression. Partner specs are untrusted: every evaluation
 * stops with a clear error instead of hanging a worker or exhausting its memory.
 */
export interface ExpressionLimits {
  /** Wall-clock time one evaluation may take. */
  timeoutMs: number;
  /** Nesting of evaluation steps (recursion, deeply nested expressions). */
  maxDepth: number;
  /** Items in one sequence (ranges like [1..n], results of paths over arrays). */
  maxSequence: number;
  /** Characters in one string an expression builds. */
  maxStringLength: number;
}

export const DEFAULT_EXPRESSION_LIMITS: Readonly<ExpressionLimits> = Object.freeze({
  timeoutMs: 1000,
  maxDepth: 250,
  maxSequence: 1_000_000,
  maxStringLength: 1_000_000,
});

/** Longest expression text accepted (the connector meta-schema's limit). */
export const MAX_EXPRESSION_LENGTH = 2000;

export function resolveLimits(overrides: Partial<ExpressionLimits> | undefined): ExpressionLimits {
  return { ...DEFAULT_EXPRESSION_LIMITS, ...overrides };
}
