import { ErrorCodes } from "../errors/codes.ts";
import { fileProblemsMessage, formatFileProblem, type FileProblem } from "../errors/file-problems.ts";
import { UserError } from "../errors/tributary-error.ts";

/** A mistake in the operator's config file. */
export type ConfigProblem = FileProblem;

/** Every problem found in the operator's config, thrown together so one run shows them all. */
export class ConfigError extends UserError {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(ErrorCodes.CONFIG_INVALID, fileProblemsMessage(file, file, problems), {
      hint: "fix the file and start again; tributary.example.yaml documents every field",
      details: { file, problems },
    });
    this.file = file;
    this.problems = problems;
  }
}

/** `tributary.yaml:12:5 destinations[1].options.url: must be a string (got number 42)` */
export const formatProblem = formatFileProblem;

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
