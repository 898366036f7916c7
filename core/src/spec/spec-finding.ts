import { specPath, type SpecPath, type SpecProblem } from "./spec-problem.ts";

/** A problem as the checks find it: path segments, so a loader can point into the file. */
export interface SpecFinding {
  path: SpecPath;
  message: string;
  /** The mistake is the key itself (an unknown field, a bad name), not its value. */
  atKey?: boolean;
  /** Where in the file, when the finding knows it already (YAML syntax errors). */
  position?: { line: number; column: number };
}

/** Finds where a path is written in the source, when there is one. */
export type Locate = (path: SpecPath, atKey: boolean) => { line: number; column: number } | undefined;

/** Problems in the order they appear in the file, when there is one (else in the order found). */
export function toProblems(findings: readonly SpecFinding[], locate?: Locate): SpecProblem[] {
  const problems: SpecProblem[] = findings.map((finding) => ({
    path: specPath(finding.path),
    ...(finding.position ?? locate?.(finding.path, finding.atKey === true)),
    message: finding.message,
  }));
  const at = (problem: SpecProblem) => (problem.line ?? 0) * 1e6 + (problem.column ?? 0);
  return locate ? problems.sort((a, b) => at(a) - at(b)) : problems;
}
