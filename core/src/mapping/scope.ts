import type { MappingContext, MappingIssue } from "./outcome.ts";

/** Issues kept per record; a mapping broken for every sample would otherwise list thousands. */
export const MAX_ISSUES = 50;

/** The state of mapping one record. */
export interface Run {
  readonly record: unknown;
  readonly ctx: MappingContext;
  /** The mapping's `let` values, by slot (in declaration order). */
  readonly vars: unknown[];
  /** Their names, by slot. */
  readonly varNames: readonly string[];
  readonly issues: MappingIssue[];
  /** What rules left out without failing the record (a zone not known here), for the operator's log. */
  readonly notes: MappingIssue[];
  /** Issues found, listed or not. */
  issueCount: number;
  /** When expression evaluations stop being started (epoch ms). */
  readonly deadline: number;
  /** Set once the record's expression time is spent, so the issue is reported once. */
  outOfTime: boolean;
  /** Bindings every expression sees, built on first use. */
  bindings?: Record<string, unknown>;
}

/** Where a rule reads from: the record, or one element inside `each`/`zip` (mutated per element). */
export interface Scope {
  readonly run: Run;
  readonly parent: Scope | undefined;
  current: unknown;
  /** Position of `current` in the list being iterated; -1 at the top. */
  index: number;
}

/** Marks a list element in a field path; filled with the element's position when an issue is reported. */
export const ELEMENT = Symbol("element");
export type FieldPath = ReadonlyArray<string | typeof ELEMENT>;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * "heart_rate_data.detailed.hr_samples[3].bpm" for a field path seen from a scope; without one, any element
 * of a list: "heart_rate_data.detailed.hr_samples[].bpm".
 */
export function formatFieldPath(at: FieldPath, scope?: Scope): string {
  const indices: number[] = [];
  for (let s: Scope | undefined = scope; s?.parent !== undefined; s = s.parent) indices.push(s.index);
  indices.reverse();
  let level = 0;
  let text = "";
  for (const segment of at) {
    if (segment === ELEMENT) text += scope === undefined ? "[]" : `[${indices[level++] ?? "?"}]`;
    else if (IDENTIFIER.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export function report(scope: Scope, at: FieldPath, rule: string, problem: string): void {
  const run = scope.run;
  run.issueCount++;
  if (run.issues.length >= MAX_ISSUES) return;
  const path = formatFieldPath(at, scope);
  run.issues.push({ path, rule, message: `${path === "" ? "(record)" : path}: ${problem}` });
}

/**
 * A value a rule left out without failing the record. It names the field, not the list element: what is
 * noted of one sample is usually true of them all, and is kept (and logged) once.
 */
export function note(scope: Scope, at: FieldPath, rule: string, problem: string): void {
  const run = scope.run;
  if (run.notes.length >= MAX_ISSUES) return;
  const path = formatFieldPath(at);
  const message = `${path === "" ? "(record)" : path}: ${problem}`;
  if (!run.notes.some((kept) => kept.message === message)) run.notes.push({ path, rule, message });
}

export function newRun(record: unknown, ctx: MappingContext, deadline: number, varNames: readonly string[]): Run {
  return { record, ctx, vars: new Array<unknown>(varNames.length), varNames, issues: [], notes: [], issueCount: 0, deadline, outOfTime: false };
}

/** The issues of a run, with a last line saying how many were not listed. */
export function issuesOf(run: Run): MappingIssue[] {
  if (run.issueCount <= run.issues.length) return run.issues;
  const more = run.issueCount - run.issues.length;
  return [...run.issues, { path: "", rule: "limit", message: `(record): ${more} more issue${more === 1 ? "" : "s"} not listed` }];
}
