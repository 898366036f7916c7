import type { Command } from "commander";
import { createLogger } from "../../log/logger.ts";
import { replayDeadLetter } from "../../services/replay-dead-letter.ts";
import type { DeadLetter } from "../../state/index.ts";
import { assertRedisReachable, loadApp, parsePositiveInteger, withAppOptions, type AppCommandOptions } from "../app-options.ts";

interface ListOptions extends AppCommandOptions {
  destination?: string;
  limit?: number;
  all?: boolean;
  json?: boolean;
}

/** `tributary dead-letters list|replay <id>`: deliveries that used up their retries. */
export function registerDeadLettersCommand(program: Command): Command {
  const group = program.command("dead-letters").description("list deliveries that used up their retries, and replay them");
  const quietLog = () => createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr });

  withAppOptions(group.command("list").description("newest first; replayed ones only with --all"))
    .option("--destination <name>", "only this destination")
    .option("--limit <n>", "at most this many (max 1000)", parsePositiveInteger, 100)
    .option("--all", "include dead letters already replayed")
    .option("--json", "one JSON object per line, with the job data")
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ListOptions>();
      const app = await loadApp(options, quietLog());
      try {
        const letters = await app.ctx.store.listDeadLetters({
          ...(options.destination ? { destination: options.destination } : {}),
          limit: Math.min(options.limit ?? 100, 1000),
          includeReplayed: options.all === true,
        });
        if (options.json) for (const letter of letters) console.log(JSON.stringify(letter));
        else if (letters.length === 0) console.log("No dead letters.");
        else for (const letter of letters) console.log(describe(letter));
      } finally {
        await app.close();
      }
    });

  withAppOptions(group.command("replay <id>").description("put a dead letter's job back on its queue (once)"))
    .action(async (id: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<AppCommandOptions>();
      const deadLetterId = parsePositiveInteger(id);
      const app = await loadApp(options, quietLog());
      try {
        await assertRedisReachable(app);
        const outcome = await replayDeadLetter({ store: app.ctx.store, queues: app.producer, policy: app.ctx.policy }, deadLetterId);
        if (outcome.status === "replayed") {
          console.log(`✓ dead letter ${deadLetterId} replayed as ${outcome.queue} job ${outcome.jobId}`);
        } else {
          console.error(outcome.status === "not_found" ? `✗ no dead letter ${deadLetterId}` : `✗ dead letter ${deadLetterId} was already replayed (${outcome.replayedAt})`);
          process.exitCode = 1;
        }
      } finally {
        await app.close();
      }
    });
  return group;
}

function describe(letter: DeadLetter): string {
  const replayed = letter.replayed_at ? `  replayed ${letter.replayed_at}` : "";
  const error = (letter.error ?? "").replace(/\s+/g, " ").slice(0, 160);
  return `#${letter.id}  ${letter.created_at}  ${letter.destination ?? letter.queue}  ${letter.attempts} attempts  ${letter.error_code ?? "-"}  ${error}${replayed}`;
}
