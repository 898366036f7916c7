import { statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConnectorSpec } from "@tributary/schemas";
import { checkConnector } from "./check-connector.ts";
import type { ConnectorHooks } from "./hooks.ts";
import { toProblems } from "./spec-finding.ts";
import { ConnectorSpecError } from "./spec-problem.ts";

/**
 * A connector: its spec (data: identity, auth, HTTP, streams, mappings, webhook) and the TypeScript hooks
 * for what the spec cannot say. `dir` is the connector's folder (its icon, fixtures and recordings).
 */
export interface ConnectorDefinition {
  readonly kind: "connector";
  readonly spec: ConnectorSpec;
  readonly hooks: ConnectorHooks;
  readonly dir?: string;
}

export interface ConnectorInput {
  spec: ConnectorSpec;
  hooks?: ConnectorHooks;
  /** The connector's folder, as a path or a file URL: `new URL(".", import.meta.url)` or `import.meta.dirname`. */
  dir?: string | URL;
}

/**
 * Checks a connector (meta-schema, cross-checks, hooks, icon) and returns its definition; throws a
 * ConnectorSpecError (ERR_SPEC_INVALID) listing every problem, so a broken connector fails when it is
 * loaded, not on its first request.
 */
export function defineConnector(input: ConnectorInput): ConnectorDefinition {
  const dir = input.dir === undefined ? undefined : folderOf(input.dir);
  const { spec, findings } = checkConnector(input.spec, input.hooks, dir);
  if (spec === undefined || findings.length > 0) throw new ConnectorSpecError(sourceName(input.spec), toProblems(findings));
  return { kind: "connector", spec, hooks: input.hooks ?? {}, ...(dir !== undefined ? { dir } : {}) };
}

/** A folder from a path or file URL; a module's own URL (import.meta.url) means the folder it is in. */
export function folderOf(location: string | URL): string {
  const path = location instanceof URL || location.startsWith("file:") ? fileURLToPath(location) : location;
  try {
    if (statSync(path).isFile()) return dirname(path);
  } catch {
    // A folder that does not exist is reported where it is used (the icon).
  }
  return path.replace(/\/+$/, "") || "/";
}

function sourceName(spec: unknown): string {
  const name = (spec as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : "(unnamed connector)";
}
