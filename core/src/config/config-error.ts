import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

export interface ConfigProblem {
  /** Where in the file, as an operator reads it: `destinations[1].options.url`; "" for the file itself. */
  path: string;
  /** 1-based, when the problem can be pinned to the file (not for values filled in from defaults). */
  line?: number;
  column?: number;
  /** What is wrong and what is expected; never contains a secret value. */
  message: string;
}

/** Every problem found in the operator's config, thrown together so one run shows them all. */
export class ConfigError extends UserError {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(ErrorCodes.CONFIG_INVALID, [`${file} has ${count}:`, ...problems.map((p) => `  ${formatProblem(file, p)}`)].join("\n"), {
      hint: "fix the file and start again; tributary.example.yaml documents every field",
      details: { file, problems },
    });
    this.file = file;
    this.problems = problems;
  }
}

/** `tributary.yaml:12:5 destinations[1].options.url: must be a string (got number 42)` */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line === undefined ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path ? `${where} ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** ["destinations", 1, "options", "url"] → `destinations[1].options.url` */
export function formatPath(path: readonly (string | number)[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
