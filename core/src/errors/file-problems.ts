/** One mistake in a file a person writes (the operator's config, a connector spec): where, and what is expected. */
export interface FileProblem {
  /** Where in the file, as its author reads it: `destinations[1].options.url`; "" for the file itself. */
  path: string;
  /** 1-based, when the problem can be pinned to the file. */
  line?: number;
  column?: number;
  /** What is wrong and what is expected (without the path); never contains a secret value. */
  message: string;
}

/** `tributary.yaml:12:5 destinations[1].options.url: must be a string (got number 42)` */
export function formatFileProblem(file: string, problem: FileProblem): string {
  const where = problem.line === undefined ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path ? `${where} ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** "<subject> has 2 problems:" and one indented line per problem, for an error's message. */
export function fileProblemsMessage(subject: string, file: string, problems: readonly FileProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return [`${subject} has ${count}:`, ...problems.map((problem) => `  ${formatFileProblem(file, problem)}`)].join("\n");
}
