import type { Command } from "commander";
import { runDemo } from "../../demo/run-demo.ts";
import { createLogger } from "../../log/logger.ts";
import { DEFAULT_REDIS_URL } from "../../queue/redis-connection.ts";

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("Connect a SANDBOX user and watch its data arrive, signed, at a local receiver (no accounts needed)")
    .option("--days <n>", "days of history to backfill", "28")
    .option("--data-dir <path>", "where the embedded database lives", process.env.TRIBUTARY_DATA_DIR ?? ".tributary")
    .action(async (opts: { days: string; dataDir: string }) => {
      // Logs go to stderr at warn level: stdout is the newcomer's story.
      const log = createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr });
      const result = await runDemo({
        redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
        databaseUrl: process.env.DATABASE_URL,
        dataDir: opts.dataDir,
        encryptionKey: process.env.TRIBUTARY_ENCRYPTION_KEY,
        days: Number(opts.days),
        log,
        print: (line) => console.log(line),
      });
      if (result.invalid > 0) process.exitCode = 1;
    });
}
