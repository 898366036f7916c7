import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkConnector } from "./check-connector.ts";
import type { ConnectorDefinition } from "./define-connector.ts";
import type { ConnectorHooks } from "./hooks.ts";
import { toProblems } from "./spec-finding.ts";
import { ConnectorSpecError, type SpecProblem } from "./spec-problem.ts";
import { parseSpecYaml } from "./spec-source.ts";

/** The names a connector folder's spec file may have, in the order they are looked for. */
export const SPEC_FILE_NAMES = ["connector.yaml", "connector.yml"] as const;
const SPEC_EXTENSIONS = new Set([".yaml", ".yml"]);
/** Specs are small; examples of full responses make some bigger, not this big. */
const MAX_SPEC_BYTES = 10 * 1024 * 1024;

export interface ConnectorFileResult {
  /** The spec file as errors name it: relative to the working directory when inside it. */
  file: string;
  definition?: ConnectorDefinition;
  /** Every problem, with its line and column in the file. */
  problems: SpecProblem[];
}

/**
 * The spec file a plugin specifier names, when it names one: a `.yaml`/`.yml` file, a folder holding
 * `connector.yaml`, or a package (found from `baseDir` as Node finds packages) that is only a spec. A
 * folder or package with a JavaScript entry point is a module to import instead (undefined), even with
 * a connector.yaml beside it: its code loads that spec with its hooks.
 */
export function resolveConnectorSpecFile(specifier: string, baseDir: string): string | undefined {
  if (specifier.startsWith("file:")) return specFileAt(fileURLToPath(specifier));
  if (specifier.startsWith("./") || specifier.startsWith("../") || isAbsolute(specifier)) return specFileAt(resolve(baseDir, specifier));
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined; // node:, data: — modules
  const folder = packageFolder(specifier, baseDir);
  return folder === undefined ? undefined : specFileAt(folder);
}

/**
 * Reads a connector from its spec file (or the folder holding it) and checks it; never throws for a bad
 * spec: the result lists every problem with its place in the file.
 */
export function readConnectorFile(location: string | URL, options: { hooks?: ConnectorHooks; cwd?: string } = {}): ConnectorFileResult {
  const path = location instanceof URL || location.startsWith("file:") ? fileURLToPath(location) : resolve(options.cwd ?? process.cwd(), location);
  const file = specFileIn(path) ?? path;
  const label = displayName(file, options.cwd ?? process.cwd());
  const fail = (message: string): ConnectorFileResult => ({ file: label, problems: [{ path: "", message }] });

  let text: string;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return fail(`no ${SPEC_FILE_NAMES.join(" or ")} in this folder`);
    if (stat.size > MAX_SPEC_BYTES) return fail(`the spec is ${Math.ceil(stat.size / 1024 / 1024)} MiB; at most ${MAX_SPEC_BYTES / 1024 / 1024} MiB is read`);
    text = readFileSync(file, "utf8");
  } catch (error) {
    return fail((error as NodeJS.ErrnoException).code === "ENOENT" ? "the file does not exist" : `cannot be read: ${(error as Error).message}`);
  }

  const source = parseSpecYaml(text);
  if (source.value === undefined) return { file: label, problems: toProblems(source.findings, source.locate) };
  const dir = dirname(file);
  const { spec, findings } = checkConnector(source.value, options.hooks, dir);
  const problems = toProblems(findings, source.locate);
  if (spec === undefined || problems.length > 0) return { file: label, problems };
  return { file: label, problems, definition: { kind: "connector", spec, hooks: options.hooks ?? {}, dir } };
}

/**
 * Loads a connector from its spec file or folder: what the plugin registry calls for a YAML connector,
 * and what a TypeScript connector whose spec is YAML calls with its hooks. Throws a ConnectorSpecError
 * (ERR_SPEC_INVALID) listing every problem with its line and column.
 */
export function loadConnectorFile(location: string | URL, options: { hooks?: ConnectorHooks; cwd?: string } = {}): ConnectorDefinition {
  const result = readConnectorFile(location, options);
  if (result.definition === undefined) throw new ConnectorSpecError(result.file, result.problems);
  return result.definition;
}

/** The spec file at a path: the file itself when it is YAML, the spec in it when it is a spec-only folder. */
function specFileAt(path: string): string | undefined {
  if (SPEC_EXTENSIONS.has(extname(path).toLowerCase())) return path;
  if (!isDirectory(path) || hasModuleEntry(path)) return undefined;
  return specFileIn(path);
}

function specFileIn(path: string): string | undefined {
  if (!isDirectory(path)) return undefined;
  return SPEC_FILE_NAMES.map((name) => join(path, name)).find((candidate) => existsSync(candidate));
}

const hasModuleEntry = (folder: string): boolean => moduleEntry(folder) !== undefined;

const INDEX_FILES = ["index.ts", "index.js", "index.mjs", "src/index.ts"];

/** The file a folder's module starts at (package.json main / exports ".", else an index file), if any. */
export function moduleEntry(folder: string): string | undefined {
  const manifest = join(folder, "package.json");
  let declared: unknown;
  if (existsSync(manifest)) {
    let pkg: { main?: unknown; exports?: unknown };
    try {
      pkg = JSON.parse(readFileSync(manifest, "utf8")) as typeof pkg;
    } catch {
      return manifest; // a broken package.json is the module loader's to report
    }
    const exports = pkg.exports;
    const root =
      exports !== null && typeof exports === "object" && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith("."))
        ? (exports as Record<string, unknown>)["."]
        : exports;
    declared = typeof root === "string" ? root : (conditionalEntry(root) ?? pkg.main);
    if (exports !== undefined && root === undefined) return undefined; // exports only subpaths (a spec-only package)
  }
  if (typeof declared === "string") return join(folder, declared);
  return INDEX_FILES.map((entry) => join(folder, entry)).find((candidate) => existsSync(candidate));
}

function conditionalEntry(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const conditions = value as Record<string, unknown>;
  for (const condition of ["import", "default", "node"]) {
    const target = conditions[condition];
    if (typeof target === "string") return target;
    const nested = conditionalEntry(target);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** Where a package is installed, looking in node_modules from `baseDir` up, as Node does. */
function packageFolder(name: string, baseDir: string): string | undefined {
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function displayName(file: string, cwd: string): string {
  const inside = relative(cwd, file);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside) ? inside : file;
}
