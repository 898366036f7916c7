import { pointerToPath } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

/** A place in a connector spec: ["streams", "activity", 0, "paging"]. */
export type SpecPath = readonly (string | number)[];

/** One mistake in a connector spec: where it is and what is expected there. */
export interface SpecProblem {
  /** As the author reads it: `streams.activity[0].paging.cursorPath`; "" for the spec itself. */
  path: string;
  /** 1-based, when the spec came from a file. */
  line?: number;
  column?: number;
  /** What is wrong and what to write instead (without the path). */
  message: string;
}

/** A connector spec that cannot be loaded: every problem found, thrown together so one run shows them all. */
export class ConnectorSpecError extends UserError {
  readonly source: string;
  readonly problems: readonly SpecProblem[];

  constructor(source: string, problems: readonly SpecProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(ErrorCodes.SPEC_INVALID, [`Connector spec ${source} has ${count}:`, ...problems.map((p) => `  ${formatSpecProblem(source, p)}`)].join("\n"), {
      hint: "Fix the connector spec where each line says; `tributary connector validate <path>` checks it again.",
      details: { source, problems },
    });
    this.source = source;
    this.problems = problems;
  }
}

/** `connector.yaml:12:5 streams.activity[0].paging.cursorPath: required — where the response holds the next cursor` */
export function formatSpecProblem(source: string, problem: SpecProblem): string {
  const where = problem.line === undefined ? source : `${source}:${problem.line}:${problem.column ?? 1}`;
  return problem.path ? `${where} ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** Segments → the path as messages show it (the schema registry's notation). */
export function specPath(path: SpecPath): string {
  return pointerToPath(path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join(""));
}
