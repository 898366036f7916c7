import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { scaffoldFiles, type ScaffoldKind } from "./scaffold-files.ts";
import { connectorNames, type ConnectorNames } from "./scaffold-names.ts";

export interface ScaffoldOptions {
  /** yaml: the whole connector is connector.yaml (the partner path); typescript: the spec plus a module with a map hook. */
  kind: ScaffoldKind;
  /** @default the name in words ("acme-fit" → "Acme Fit") */
  displayName?: string;
}

export interface ScaffoldResult {
  dir: string;
  names: ConnectorNames;
  /** Paths written, relative to `dir`, sorted. */
  files: string[];
}

/**
 * Writes a new connector folder — spec, mapping, icon, README, package, mock fixtures and a test file —
 * whose tests pass as written: what `tributary connector new <name>` does. `dir` is the folder to create
 * (usually `connectors/<name>`); it must not exist or be empty, since nothing is ever overwritten.
 */
export async function scaffoldConnector(name: string, dir: string, options: ScaffoldOptions): Promise<ScaffoldResult> {
  if (options.kind !== "yaml" && options.kind !== "typescript") {
    throw new UserError(ErrorCodes.CONNECTOR_SCAFFOLD, `unknown connector kind ${JSON.stringify(options.kind)}`, {
      hint: "Choose yaml (a spec only) or typescript (a spec with TypeScript hooks).",
    });
  }
  const names = connectorNames(name, options.displayName);
  const target = resolve(dir);
  const existing = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw new UserError(ErrorCodes.CONNECTOR_SCAFFOLD, `cannot use ${target} for the new connector: ${error.message}`, {
      hint: "Give a folder that does not exist yet.",
    });
  });
  if (existing.length > 0) {
    throw new UserError(
      ErrorCodes.CONNECTOR_SCAFFOLD,
      `${target} already holds ${existing.length} file${existing.length === 1 ? "" : "s"}; a new connector is never written over existing ones`,
      {
        hint: "Choose another folder, or move the existing one away.",
      },
    );
  }
  const files = scaffoldFiles(names, options.kind);
  for (const [path, content] of Object.entries(files)) {
    const file = join(target, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content, { flag: "wx" });
  }
  return { dir: target, names, files: Object.keys(files).sort() };
}
