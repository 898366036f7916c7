import { pointerToPath } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { fileProblemsMessage, formatFileProblem, type FileProblem } from "../errors/file-problems.ts";
import { UserError } from "../errors/tributary-error.ts";

/** A place in a connector spec: ["streams", "activity", 0, "paging"]. */
export type SpecPath = readonly (string | number)[];

/** One mistake in a connector spec: where it is and what is expected there. */
export type SpecProblem = FileProblem;

/** A connector spec that cannot be loaded: every problem found, thrown together so one run shows them all. */
export class ConnectorSpecError extends UserError {
  readonly source: string;
  readonly problems: readonly SpecProblem[];

  constructor(source: string, problems: readonly SpecProblem[]) {
    super(ErrorCodes.SPEC_INVALID, fileProblemsMessage(`Connector spec ${source}`, source, problems), {
      hint: "Fix the connector spec where each line says; `tributary connector validate <path>` checks it again.",
      details: { source, problems },
    });
    this.source = source;
    this.problems = problems;
  }
}

/** `connector.yaml:12:5 streams.activity[0].paging.cursorPath: required — where the response holds the next cursor` */
export const formatSpecProblem = formatFileProblem;

/** Segments → the path as messages show it (the schema registry's notation). */
export function specPath(path: SpecPath): string {
  return pointerToPath(path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join(""));
}
