import type { Command } from "commander";
import { createLogger } from "../../log/logger.ts";
import { watchBackfill } from "../../services/backfill-progress.ts";
import { withAppOptions, type AppCommandOptions } from "../app-options.ts";
import { withOperatorSession } from "../operator-session.ts";

interface ConnectOptions extends AppCommandOptions {
  provider: string;
  devId?: string;
  referenceId?: string;
  providerUserId?: string;
  wait?: boolean;
}

/**
 * `tributary connect --provider SANDBOX [--reference-id x]`: create a connection without the widget and
 * enqueue its backfill (running workers pick it up). Prints the new user id on stdout. Works while
 * `serve` runs, whatever the store (see operator-session.ts).
 */
export function registerConnectCommand(program: Command): Command {
  return withAppOptions(program.command("connect").description("connect a user of a provider that needs no consent (SANDBOX) and backfill it"))
    .requiredOption("--provider <name>", "provider name, e.g. SANDBOX")
    .option("--dev-id <id>", "the developer account the user belongs to (default: the config's api: developer)")
    .option("--reference-id <id>", "your own id for this user (reference_id in payloads)")
    .option("--provider-user-id <id>", "the provider's id of the account (matched against its push webhooks)")
    .option("--wait", "show the backfill's progress until every data type is pulled (needs running workers)")
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ConnectOptions>();
      const log = createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr });
      await withOperatorSession(options, log, async ({ actions, queues }) => {
        const { user, backfillJobs } = await actions.connect({
          provider: options.provider,
          ...(options.devId ? { developerId: options.devId } : {}),
          ...(options.referenceId ? { referenceId: options.referenceId } : {}),
          ...(options.providerUserId ? { providerUserId: options.providerUserId } : {}),
        });
        console.log(user.user_id);
        console.error(`✓ connected ${user.provider} user ${user.user_id}; ${backfillJobs.length} backfill jobs queued for the workers`);
        if (options.wait) {
          const steps = await watchBackfill(queues, backfillJobs, (step, done, total) => {
            const outcome = step.state === "completed" ? `✓ ${step.records ?? 0} records${step.quarantined ? `, ${step.quarantined} quarantined` : ""}` : `✗ ${step.error}`;
            console.error(`  [${done}/${total}] ${step.name.padEnd(22)} ${outcome}`);
          });
          if (steps.some((step) => step.state !== "completed")) process.exitCode = 1;
        }
      });
    });
}
