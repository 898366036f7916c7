import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { createLogger } from "../../log/logger.ts";
import { importFitActivity } from "../../runtime/import-fit-activity.ts";
import { assertRedisReachable, loadApp, withAppOptions, type AppCommandOptions } from "../app-options.ts";

interface ImportOptions extends AppCommandOptions {
  user: string;
  summaryId?: string;
}

/**
 * `tributary fit import <file> --user <user_id>`: a FIT activity file into the pipeline as an activity of
 * that user's connection — validated, then queued for every destination (running workers deliver it). A
 * file that cannot become a valid activity is quarantined with its reason; exit 1.
 */
export function registerFitCommand(program: Command): Command {
  const group = program.command("fit").description("FIT activity files");
  withAppOptions(group.command("import <file>").description("decode a FIT activity file and deliver it as an activity of a connected user"))
    .requiredOption("--user <user_id>", "the connection the activity belongs to (tributary connect prints it)")
    .option("--summary-id <id>", "the activity's summary_id (default: derived from the file's file_id)")
    .action(async (file: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ImportOptions>();
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        console.error(`✗ cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const app = await loadApp(options, createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr }));
      try {
        await assertRedisReachable(app);
        const result = await importFitActivity(app.ctx, {
          userId: options.user,
          bytes,
          source: file,
          ...(options.summaryId ? { summaryId: options.summaryId } : {}),
        });
        if (result.records > 0) {
          console.log(result.summaryId);
          console.error(`✓ activity ${result.summaryId} from ${file} queued for delivery to the destinations`);
        } else {
          console.error(`✗ ${file} was not delivered; it is quarantined (tributary quarantine list --user-id ${options.user}):`);
          for (const problem of result.problems) console.error(`  ${problem}`);
          process.exitCode = 1;
        }
      } finally {
        await app.close();
      }
    });
  return group;
}
