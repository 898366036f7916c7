import { Command, Option } from "commander";
// The same path from src/cli and from the compiled dist/cli.
import corePackage from "../../package.json" with { type: "json" };
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { LOG_FORMAT_ENV, LOG_FORMATS, LOG_LEVELS } from "../log/logger.ts";
import { registerApiKeyCommand } from "./commands/api-key.ts";
import { registerCheckCommand } from "./commands/check.ts";
import { registerConnectCommand } from "./commands/connect.ts";
import { registerConnectorCommand } from "./commands/connector.ts";
import { registerDeadLettersCommand } from "./commands/dead-letters.ts";
import { registerDeauthCommand } from "./commands/deauth.ts";
import { registerDemoCommand } from "./commands/demo.ts";
import { registerFitCommand } from "./commands/fit.ts";
import { registerMockCommand } from "./commands/mock.ts";
import { registerQuarantineCommand } from "./commands/quarantine.ts";
import { registerProcessCommands } from "./commands/serve.ts";
import { registerSubscriptionsCommand } from "./commands/subscriptions.ts";
import { registerValidateCommand } from "./commands/validate.ts";

/** The `tributary` command line: every command registered, nothing parsed yet. */
export function createCliProgram(): Command {
  const program = new Command()
    .name("tributary")
    .version(corePackage.version, "-V, --version", "print the version")
    .description("Self-hosted, Terra-compatible wearable-data platform")
    .showHelpAfterError()
    .addOption(
      new Option(
        "--log-format <format>",
        `log lines as "pretty" text or "json" ($${LOG_FORMAT_ENV}; default: pretty on a terminal, JSON otherwise); LOG_LEVEL sets the level`,
      ).choices(LOG_FORMATS),
    )
    .hook("preAction", (self) => {
      const format = self.opts<{ logFormat?: string }>().logFormat;
      // Through the environment, so every logger of this process (and of its cluster copies) follows it.
      if (format !== undefined) process.env[LOG_FORMAT_ENV] = format;
      const fromEnv = process.env[LOG_FORMAT_ENV];
      if (fromEnv !== undefined && fromEnv !== "" && !(LOG_FORMATS as readonly string[]).includes(fromEnv)) {
        throw new UserError(ErrorCodes.CONFIG_INVALID, `${LOG_FORMAT_ENV} must be pretty or json, got ${JSON.stringify(fromEnv)}`, {
          hint: `Write ${LOG_FORMAT_ENV}=json (or pretty), or leave it unset for pretty on a terminal and JSON otherwise.`,
        });
      }
      const level = process.env.LOG_LEVEL;
      if (level !== undefined && level !== "" && !LOG_LEVELS.includes(level)) {
        throw new UserError(ErrorCodes.CONFIG_INVALID, `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(level)}`, {
          hint: "Write LOG_LEVEL=info (the default), or debug to see more.",
        });
      }
    });

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
  registerConnectorCommand(program);
  registerMockCommand(program);
  registerSubscriptionsCommand(program);
  return program;
}
