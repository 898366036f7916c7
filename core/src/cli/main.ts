#!/usr/bin/env node
import { Command } from "commander";
import { isTributaryError } from "../errors/tributary-error.ts";
import { registerApiKeyCommand } from "./commands/api-key.ts";
import { registerCheckCommand } from "./commands/check.ts";
import { registerConnectCommand } from "./commands/connect.ts";
import { registerDeadLettersCommand } from "./commands/dead-letters.ts";
import { registerDeauthCommand } from "./commands/deauth.ts";
import { registerDemoCommand } from "./commands/demo.ts";
import { registerFitCommand } from "./commands/fit.ts";
import { registerQuarantineCommand } from "./commands/quarantine.ts";
import { registerProcessCommands } from "./commands/serve.ts";
import { registerValidateCommand } from "./commands/validate.ts";

const program = new Command()
  .name("tributary")
  .description("Self-hosted, Terra-compatible wearable-data platform")
  .showHelpAfterError();

registerDemoCommand(program);
registerValidateCommand(program);
registerCheckCommand(program);
registerProcessCommands(program);
registerConnectCommand(program);
registerDeauthCommand(program);
registerDeadLettersCommand(program);
registerQuarantineCommand(program);
registerFitCommand(program);
registerApiKeyCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // One clear line for the operator, never a stack trace for an error we understand.
  console.error(isTributaryError(error) ? `✗ ${error.toOperatorString()}` : `✗ ${(error as Error).stack ?? String(error)}`);
  process.exitCode = process.exitCode || 2;
}
