import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfigWithPlugins } from "../../config/load-config.ts";
import { compileConnector } from "../../connectors/compile-connector.ts";
import type { RuntimeConnector } from "../../connectors/runtime-connector.ts";
import { ErrorCodes } from "../../errors/codes.ts";
import { isTributaryError, operatorMessage, UserError } from "../../errors/tributary-error.ts";
import { compileMapping } from "../../mapping/compile-mapping.ts";
import type { ConnectorDefinition } from "../../spec/define-connector.ts";
import { formatSpecProblem, type SpecProblem } from "../../spec/spec-problem.ts";
import { validateConnector } from "../../spec/validate-connector.ts";

/** A mistake in how a command was called: exit 2, one line. */
export function usageError(message: string, hint: string): UserError {
  return new UserError(ErrorCodes.ARGUMENT_INVALID, message, { hint });
}

/**
 * The connector a command names: a folder or spec file (a path that exists, or one with a slash), else a
 * provider name registered by the config's plugins (the built-in ones without a config).
 */
export async function resolveConnector(target: string, options: { config?: string } = {}): Promise<RuntimeConnector> {
  const path = resolve(target);
  const looksLikePath = target.includes("/") || target.includes("\\") || target.startsWith(".");
  if (existsSync(path) || looksLikePath) {
    if (!existsSync(path))
      throw usageError(
        `no connector folder or spec file at ${target}`,
        "Give a connector folder (holding connector.yaml or a module), or a registered provider name.",
      );
    const { lines, definition } = await connectorProblems(path);
    if (!definition) {
      const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : "";
      throw new UserError(ErrorCodes.SPEC_INVALID, `${lines[0] ?? `${target} is not a valid connector`}${more}`, {
        hint: `Run tributary connector validate ${target} for every problem.`,
      });
    }
    return compileConnector(definition);
  }
  const { registry } = await loadConfigWithPlugins({ path: options.config });
  const name = target.toUpperCase();
  if (!registry.hasConnector(name)) {
    const known = registry
      .connectors()
      .map((c) => c.name)
      .join(", ");
    throw usageError(
      `unknown connector ${JSON.stringify(target)}`,
      `Registered connectors: ${known || "none"}. Give a registered name, or the connector's folder (e.g. connectors/${target.toLowerCase()}).`,
    );
  }
  return registry.connector(name);
}

/** --from/--to: an ISO date (midnight UTC) or date-time. */
export function parseDateOption(value: string, option: string): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw usageError(`${option} ${JSON.stringify(value)} is not a date`, `Write ${option} as an ISO date (2026-03-01) or date-time (2026-03-01T08:00:00Z).`);
  }
  return date;
}

/** The [from, to) window of --from/--to, refused when empty or reversed. */
export function parseRange(from: string | undefined, to: string | undefined): { start: Date; end: Date } {
  if (from === undefined || to === undefined)
    throw usageError("--from and --to are required", "Give the window to pull, e.g. --from 2026-03-01 --to 2026-04-01 (the end is exclusive).");
  const start = parseDateOption(from, "--from");
  const end = parseDateOption(to, "--to");
  if (end.getTime() <= start.getTime())
    throw usageError(`--to ${to} is not after --from ${from}`, "The window is [from, to): give an end later than its start.");
  return { start, end };
}

/** Commander's own argument errors (a missing option, an unknown one) exit 2 like every usage error; help still exits 0. */
export function usageErrorsExitTwo<T extends { exitOverride(handler: (error: { exitCode: number }) => void): T }>(command: T): T {
  return command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

/**
 * Every problem of a connector: the spec against its meta-schema and the cross-checks, then every
 * mapping compiled (a JSONata `let` named like a built-in, an expression that does not parse…) and the
 * runtime's own registration checks — what would otherwise only fail when the connector is loaded.
 */
export async function connectorProblems(path: string): Promise<{ source: string; lines: string[]; definition?: ConnectorDefinition }> {
  const validation = await validateConnector(path);
  const source = validation.source;
  if (!validation.ok || !validation.definition) return { source, lines: validation.problems.map((problem) => formatSpecProblem(source, problem)) };
  const definition = validation.definition;
  const lines: string[] = [];
  for (const [name, mapping] of Object.entries(definition.spec.mappings ?? {})) {
    try {
      compileMapping(mapping, { name: `mappings.${name}` });
    } catch (error) {
      const problems = isTributaryError(error) ? (error.details?.problems as SpecProblem[] | undefined) : undefined;
      if (!problems) lines.push(formatSpecProblem(source, { path: `mappings.${name}`, message: operatorMessage(error) }));
      else for (const problem of problems) lines.push(formatSpecProblem(source, problem));
    }
  }
  if (lines.length === 0) {
    try {
      compileConnector(definition);
    } catch (error) {
      lines.push(`${source}: ${isTributaryError(error) ? `${error.message} — ${error.hint ?? ""}`.replace(/ — $/, "") : operatorMessage(error)}`);
    }
  }
  return { source, lines, ...(lines.length === 0 ? { definition } : {}) };
}

/**
 * resolveConnector for commands that judge a connector: a broken connector is that command's failure
 * (exit 1, the first problem on one line), not a usage error. Undefined when it failed.
 */
export async function connectorOrFail(target: string, options: { config?: string } = {}): Promise<RuntimeConnector | undefined> {
  try {
    return await resolveConnector(target, options);
  } catch (error) {
    if (!isTributaryError(error) || error.code !== ErrorCodes.SPEC_INVALID) throw error;
    console.error(`✗ ${error.toOperatorString()}`);
    process.exitCode = 1;
    return undefined;
  }
}
