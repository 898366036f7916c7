import type { Command } from "commander";
import { registerConnectorNewCommand, registerConnectorTestCommand, registerConnectorValidateCommand } from "./connector-author.ts";
import { usageErrorsExitTwo } from "./connector-target.ts";
import { registerConnectorDryrunCommand, registerConnectorRunCommand } from "./connector-run.ts";

/** `tributary connector …`: the tools of connector authors (docs/add-a-connector.md). */
export function registerConnectorCommand(program: Command): Command {
  const connector = usageErrorsExitTwo(
    program.command("connector").description("write, check and try connectors: new, validate, test, run (recorded), dryrun (live)"),
  );
  registerConnectorNewCommand(connector);
  registerConnectorValidateCommand(connector);
  registerConnectorTestCommand(connector);
  registerConnectorRunCommand(connector);
  registerConnectorDryrunCommand(connector);
  return connector;
}
