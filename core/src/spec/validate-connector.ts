import { extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkConnector } from "./check-connector.ts";
import { folderOf, type ConnectorDefinition } from "./define-connector.ts";
import { isDirectory, moduleEntry, readConnectorFile, resolveConnectorSpecFile } from "./load-connector.ts";
import { toProblems } from "./spec-finding.ts";
import { ConnectorSpecError, type SpecProblem } from "./spec-problem.ts";

export interface ConnectorValidation {
  ok: boolean;
  /** What was checked, as problems name it: the spec file, the module, or the connector's name. */
  source: string;
  /** Every problem; with line and column when the spec came from a YAML file. */
  problems: SpecProblem[];
  /** The checked connector, when it has no problem. */
  definition?: ConnectorDefinition;
}

const MODULE_EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);

/**
 * Checks a connector and returns every problem (never throws for a bad connector): what
 * `tributary connector validate <path>` prints. Takes a spec file or folder (`connector.yaml`), a
 * TypeScript connector's module or folder (its default export, from defineConnector), a definition, the
 * input of defineConnector ({ spec, hooks, dir }), or a bare spec object.
 */
export async function validateConnector(target: string | URL | object, options: { cwd?: string } = {}): Promise<ConnectorValidation> {
  const cwd = options.cwd ?? process.cwd();
  if (typeof target === "string" || target instanceof URL) return validateLocation(target, cwd);
  const candidate = target as { kind?: unknown; spec?: unknown; hooks?: unknown; dir?: unknown };
  const wrapped = candidate.spec !== undefined && (candidate.kind === "connector" || candidate.kind === undefined) && typeof candidate.spec === "object";
  const spec = wrapped ? candidate.spec : target;
  const dir = wrapped && (typeof candidate.dir === "string" || candidate.dir instanceof URL) ? folderOf(candidate.dir) : undefined;
  const hooks = wrapped ? candidate.hooks : undefined;
  const checked = checkConnector(spec, hooks, dir);
  const problems = toProblems(checked.findings);
  const source = typeof (spec as { name?: unknown }).name === "string" ? String((spec as { name: string }).name) : "connector spec";
  if (checked.spec === undefined || problems.length > 0) return { ok: false, source, problems };
  return {
    ok: true,
    source,
    problems,
    definition: { kind: "connector", spec: checked.spec, hooks: (hooks ?? {}) as ConnectorDefinition["hooks"], ...(dir ? { dir } : {}) },
  };
}

async function validateLocation(location: string | URL, cwd: string): Promise<ConnectorValidation> {
  const path = location instanceof URL || location.startsWith("file:") ? fileURLToPath(location) : resolve(cwd, location);
  const specFile = resolveConnectorSpecFile(path, cwd);
  if (specFile !== undefined) return fromFile(specFile, cwd);
  const entry = isDirectory(path) ? moduleEntry(path) : MODULE_EXTENSIONS.has(extname(path)) ? path : undefined;
  if (entry === undefined) return fromFile(path, cwd); // reports the missing file or spec
  let exported: unknown;
  try {
    const module = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    exported = module.default;
  } catch (error) {
    if (error instanceof ConnectorSpecError) return { ok: false, source: error.source, problems: [...error.problems] };
    return { ok: false, source: entry, problems: [{ path: "", message: `cannot import the connector module: ${(error as Error).message}` }] };
  }
  const definition = exported as { kind?: unknown; spec?: unknown } | undefined;
  if (definition?.kind !== "connector" || typeof definition.spec !== "object") {
    return {
      ok: false,
      source: entry,
      problems: [{ path: "", message: "the module's default export is not a connector: export default defineConnector({ spec, hooks, dir })" }],
    };
  }
  return validateConnector(definition, { cwd });
}

function fromFile(file: string, cwd: string): ConnectorValidation {
  const result = readConnectorFile(file, { cwd });
  return {
    ok: result.definition !== undefined,
    source: result.file,
    problems: result.problems,
    ...(result.definition ? { definition: result.definition } : {}),
  };
}
