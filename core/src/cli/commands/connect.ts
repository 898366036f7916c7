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
  token?: string;
  username?: string;
  password?: string;
  wait?: boolean;
}

/**
 * `tributary connect --provider SANDBOX [--reference-id x]`: create a connection without the widget and
 * enqueue its backfill (running workers pick it up). Providers the user connects by typing something in
 * take it as flags — `--token` (a pasted bearer token or API key), `--username` and `--password` (a
 * password grant) — and go through the same auth service as the widget's form. Prints the new user id
 * on stdout. Works while `serve` runs, whatever the store (see operator-session.ts).
 */
export function registerConnectCommand(program: Command): Command {
  return withAppOptions(
    program.command("connect").description("connect a user without the widget (SANDBOX; a pasted token; a username and password) and backfill it"),
  )
    .requiredOption("--provider <name>", "provider name, e.g. SANDBOX")
    .option("--dev-id <id>", "the developer account the user belongs to (default: the config's api: developer)")
    .option("--reference-id <id>", "your own id for this user (reference_id in payloads)")
    .option("--provider-user-id <id>", "the provider's id of the account, for a partner that pushes (matched against its push webhooks)")
    .option("--token <token>", "the user's token, for a provider connected with a pasted bearer token or API key (PELOTON)")
    .option("--username <name>", "the user's login, for a provider connected with a password grant (XERT); with --password")
    .option("--password <password>", "the user's password, sent to the provider once and never stored; with --username")
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
          ...(options.token !== undefined ? { token: options.token } : {}),
          ...(options.username !== undefined ? { username: options.username } : {}),
          ...(options.password !== undefined ? { password: options.password } : {}),
        });
        console.log(user.user_id);
        console.error(`✓ connected ${user.provider} user ${user.user_id}; ${backfillJobs.length} backfill jobs queued for the workers`);
        if (options.wait) {
          const steps = await watchBackfill(queues, backfillJobs, (step, done, total) => {
            const outcome =
              step.state === "completed" ? `✓ ${step.records ?? 0} records${step.quarantined ? `, ${step.quarantined} quarantined` : ""}` : `✗ ${step.error}`;
            console.error(`  [${done}/${total}] ${step.name.padEnd(22)} ${outcome}`);
          });
          if (steps.some((step) => step.state !== "completed")) process.exitCode = 1;
        }
      });
    });
}
