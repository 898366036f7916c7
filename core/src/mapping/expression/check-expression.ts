/**
 * What an untrusted expression may not contain, found in its syntax tree before it ever runs:
 * - regular expressions: a backtracking pattern can take exponential time inside one native call, which
 *   no evaluation time limit can interrupt (ReDoS);
 * - `$eval`: it parses text at run time, which would bypass these checks;
 * - order-by (`^(…)`): JSONata sorts it with a comparator that never yields to the time limit, in time
 *   quadratic in the input; `$sort($array, function($a, $b) {…})` is bounded and does the same.
 */
export interface ExpressionCheck {
  /** Every `$name` the expression reads. */
  variables: Set<string>;
  /** The fields of `$connection` it reads by name (`$connection.provider_user_id`). */
  connectionFields: Set<string>;
  problems: string[];
}

interface AstNode {
  type?: string;
  value?: unknown;
  position?: number;
  [key: string]: unknown;
}

export function checkExpressionTree(ast: unknown, trusted: boolean): ExpressionCheck {
  const check: ExpressionCheck = { variables: new Set(), connectionFields: new Set(), problems: [] };
  const seen = new Set<unknown>();
  // Iterative walk: a hostile, deeply nested tree must not overflow the stack here.
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
      continue;
    }
    const { type, value, position } = node as AstNode;
    const at = typeof position === "number" ? ` (at character ${position})` : "";
    if (type === "path") readConnectionFields((node as { steps?: AstNode[] }).steps, check.connectionFields);
    if (type === "variable" && typeof value === "string") {
      check.variables.add(value);
      if (!trusted && value === "eval") check.problems.push(`$eval is not allowed${at}: it would run text that was never checked`);
    }
    if (!trusted && type === "regex")
      check.problems.push(
        `regular expressions are not allowed${at}: their running time cannot be bounded; use $contains, $substringBefore, $split or $replace with plain text`,
      );
    if (!trusted && type === "sort") check.problems.push(`order-by (^(…)) is not allowed${at}: use $sort($array, function($a, $b) { … }) instead`);
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      if (child !== null && typeof child === "object" && !(child instanceof RegExp)) stack.push(child);
    }
  }
  return check;
}

/** A path's step after `$connection`, when it is a plain name: the field read. */
function readConnectionFields(steps: AstNode[] | undefined, into: Set<string>): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => {
    const next = steps[i + 1];
    if (step.type === "variable" && step.value === "connection" && next?.type === "name" && typeof next.value === "string") into.add(next.value);
  });
}
