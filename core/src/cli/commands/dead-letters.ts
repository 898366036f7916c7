import type { Command } from "commander";
import { ErrorCodes } from "../../errors/codes.ts";
import { UserError } from "../../errors/tributary-error.ts";
import { createLogger } from "../../log/logger.ts";
import { replayDeadLetter } from "../../services/replay-dead-letter.ts";
import { replayDeadLetters } from "../../services/replay-dead-letters.ts";
import type { DeadLetter, DeadLettersFilter } from "../../state/index.ts";
import { assertRedisReachable, loadApp, parsePositiveInteger, withAppOptions, type AppCommandOptions } from "../app-options.ts";
import { parseEntryId, parseTime } from "../operator-arguments.ts";
import { progressBar } from "../progress.ts";

interface FilterOptions extends AppCommandOptions {
  destination?: string;
  queue?: string;
  errorCode?: string;
  since?: string;
  until?: string;
}

interface ListOptions extends FilterOptions {
  limit?: number;
  all?: boolean;
  json?: boolean;
}

interface ReplayOptions extends FilterOptions {
  all?: boolean;
  json?: boolean;
}

/** `tributary dead-letters list|replay`: jobs that failed for good, and putting them back. */
export function registerDeadLettersCommand(program: Command): Command {
  const group = program.command("dead-letters").description("list jobs that failed for good (deliveries that used up their retries, …), and replay them");
  const quietLog = () => createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr });

  withFilters(withAppOptions(group.command("list").description("newest first; replayed ones only with --all")))
    .option("--limit <n>", "at most this many (max 1000)", parsePositiveInteger, 100)
    .option("--all", "include dead letters already replayed")
    .option("--json", "one JSON object per line, with the job data")
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ListOptions>();
      const filter = filterFrom(options);
      const app = await loadApp(options, quietLog());
      try {
        const letters = await app.ctx.store.listDeadLetters({ ...filter, limit: Math.min(options.limit ?? 100, 1000), includeReplayed: options.all === true });
        if (options.json) for (const letter of letters) console.log(JSON.stringify(letter));
        else if (letters.length === 0) console.log("No dead letters.");
        else for (const letter of letters) console.log(describe(letter));
      } finally {
        await app.close();
      }
    });

  withFilters(
    withAppOptions(
      group
        .command("replay [ids...]")
        .description("put dead letters' jobs back on their queues (each once): the ids given ('#6' or 6), or every unreplayed one the filters select"),
    ),
  )
    .option("--all", "with no id and no filter: replay every unreplayed dead letter")
    .option("--json", "the outcome as one JSON object")
    .action(async (ids: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ReplayOptions>();
      const chosen = ids.map((id) => parseEntryId(id, "dead letter"));
      const filter = filterFrom(options);
      if (chosen.length > 0 && Object.keys(filter).length > 0) {
        throw new UserError(ErrorCodes.ARGUMENT_INVALID, "give dead-letter ids or filters, not both", {
          hint: "Replay by id, or by --destination/--queue/--error-code/--since/--until.",
        });
      }
      if (chosen.length === 0 && Object.keys(filter).length === 0 && !options.all) {
        throw new UserError(ErrorCodes.ARGUMENT_INVALID, "say which dead letters to replay", {
          hint: "Give ids (tributary dead-letters replay 6 7), select with --destination, --queue, --error-code, --since, --until, or replay them all with --all.",
        });
      }
      const app = await loadApp(options, quietLog());
      try {
        await assertRedisReachable(app);
        const deps = { store: app.ctx.store, queues: app.producer, policy: app.ctx.policy };
        if (chosen.length > 0) {
          let failed = 0;
          for (const id of chosen) {
            const outcome = await replayDeadLetter(deps, id);
            if (options.json) console.log(JSON.stringify(outcome));
            else if (outcome.status === "replayed") console.log(`✓ dead letter #${id} replayed as ${outcome.queue} job ${outcome.jobId}`);
            else
              console.error(outcome.status === "not_found" ? `✗ no dead letter #${id}` : `✗ dead letter #${id} was already replayed (${outcome.replayedAt})`);
            if (outcome.status !== "replayed") failed++;
          }
          if (failed > 0) process.exitCode = 1;
          return;
        }
        const progress = progressBar("replaying");
        const result = await replayDeadLetters(deps, filter, (done, total) => progress.update(done, total)).finally(() => progress.stop());
        if (options.json) console.log(JSON.stringify(result));
        else {
          console.log(result.total === 0 ? "No dead letter to replay." : `✓ replayed ${result.replayed} of ${result.total} dead letters`);
          for (const failure of result.failed) console.error(`✗ #${failure.id}: ${failure.reason}`);
        }
        if (result.failed.length > 0) process.exitCode = 1;
      } finally {
        await app.close();
      }
    });
  return group;
}

function withFilters(command: Command): Command {
  return command
    .option("--destination <name>", "only this destination's deliveries")
    .option("--queue <queue>", "only this queue's jobs (pull, ingest, deliver)")
    .option("--error-code <code>", "only those whose final error has this code (ERR_…, as the list shows)")
    .option("--since <time>", "only those dead-lettered at or after this time (2026-12-01, 2026-12-01T08:00:00Z, or 30m, 12h, 7d ago)")
    .option("--until <time>", "only those dead-lettered before this time (same forms)");
}

function filterFrom(options: FilterOptions): DeadLettersFilter {
  return {
    ...(options.destination ? { destination: options.destination } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.errorCode ? { errorCode: options.errorCode } : {}),
    ...(options.since ? { since: parseTime(options.since, "--since") } : {}),
    ...(options.until ? { until: parseTime(options.until, "--until") } : {}),
  };
}

function describe(letter: DeadLetter): string {
  const replayed = letter.replayed_at ? `  replayed ${letter.replayed_at}` : "";
  const error = (letter.error ?? "").replace(/\s+/g, " ").slice(0, 160);
  return `#${letter.id}  ${letter.created_at}  ${letter.destination ?? letter.queue}  ${letter.attempts} attempts  ${letter.error_code ?? "-"}  ${error}${replayed}`;
}
