import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Command, Option } from "commander";
import { checkConnectorExamples } from "../../authoring/connector-examples.ts";
import { scaffoldConnector } from "../../authoring/scaffold.ts";
import { connectorNames } from "../../authoring/scaffold-names.ts";
import { connectorOrFail, connectorProblems, usageError } from "./connector-target.ts";

/** `tributary connector new <name>`: a connector folder whose tests pass as written. */
export function registerConnectorNewCommand(connector: Command): Command {
  return connector
    .command("new <name>")
    .description("scaffold a connector folder (spec, mapping, mock fixtures, tests that pass) in connectors/<name>")
    .addOption(
      new Option("--kind <kind>", "yaml: the whole connector in connector.yaml; typescript: the spec plus a TypeScript map hook")
        .choices(["yaml", "typescript"])
        .default("yaml"),
    )
    .option("--dir <path>", "the folder to create (default: connectors/<name>)")
    .option("--display-name <name>", "the name users see (default: the name in words)")
    .action(async (name: string, options: { kind: "yaml" | "typescript"; dir?: string; displayName?: string }) => {
      const dir = options.dir ?? join("connectors", connectorNames(name).slug);
      const result = await scaffoldConnector(name, dir, {
        kind: options.kind,
        ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
      });
      console.log(`✓ ${result.names.provider} (${options.kind}) in ${dir}: ${result.files.length} files`);
      for (const file of result.files) console.log(`  ${file}`);
      console.log(`Next: tributary connector validate ${dir} && tributary connector test ${dir}`);
    });
}

/** `tributary connector validate <path>`: one line per problem, exit 1; nothing but a ✓ when it is right. */
export function registerConnectorValidateCommand(connector: Command): Command {
  return connector
    .command("validate <path>")
    .description("check a connector (folder, connector.yaml or module): its spec, cross-checks and every mapping compiled; one line per problem, exit 1 if any")
    .action(async (path: string) => {
      if (!existsSync(path))
        throw usageError(
          `no connector folder or spec file at ${path}`,
          "Give a connector folder (holding connector.yaml or a module), a connector.yaml or a module.",
        );
      const { source, lines } = await connectorProblems(path);
      if (lines.length === 0) {
        console.log(`✓ ${source} is a valid connector`);
        return;
      }
      for (const line of lines) console.error(`✗ ${line}`);
      console.error(`${lines.length} problem${lines.length === 1 ? "" : "s"}`);
      process.exitCode = 1;
    });
}

/** `tributary connector test <path>`: every example of the spec mapped and checked, one line each. */
export function registerConnectorTestCommand(connector: Command): Command {
  return connector
    .command("test <connector>")
    .description("map every example of a connector spec (mappings, stream pages, pushes) and check each result against the Terra schemas; exit 1 if one fails")
    .option("-c, --config <path>", "config whose plugins name the connector (default: the built-in connectors)")
    .action(async (target: string, options: { config?: string }) => {
      const found = await connectorOrFail(target, options);
      if (!found) return;
      const report = await checkConnectorExamples(found.definition);
      if (report.checks.length === 0) {
        console.error(`✗ ${found.name} has no examples to map`);
        console.error("Add examples to its mappings, an example page to a stream, or webhook.examples (docs/connectors.md#examples).");
        process.exitCode = 1;
        return;
      }
      for (const check of report.checks) {
        const what = check.description ? ` (${check.description})` : "";
        if (check.outcome === "record") console.log(`✓ ${check.source}${what}: ${check.dataType} ${check.key?.key ?? ""}`.trimEnd());
        else if (check.outcome === "skip") console.log(`– ${check.source}${what}: skipped by the mapping's when`);
        else if (check.outcome === "action") console.log(`✓ ${check.source}${what}: ${check.action}`);
        else console.log(`✗ ${check.source}${what}: ${check.outcome === "mismatch" ? "not the expected output: " : ""}${check.problems.join("; ")}`);
      }
      const failed = report.checks.filter((check) => check.outcome === "failed" || check.outcome === "mismatch").length;
      console.log(`${failed === 0 ? "✓" : "✗"} ${report.checks.length} example${report.checks.length === 1 ? "" : "s"}, ${failed} failed`);
      process.exitCode = failed === 0 ? 0 : 1;
    });
}
