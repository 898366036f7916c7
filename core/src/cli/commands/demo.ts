import type { Command } from "commander";
import { loadDemoConfigDestinations } from "../../demo/config-destinations.ts";
import { startDemoWidget } from "../../demo/demo-widget.ts";
import { runDemo } from "../../demo/run-demo.ts";
import { createLogger } from "../../log/logger.ts";
import { DEFAULT_REDIS_URL } from "../../queue/redis-connection.ts";

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("Connect a SANDBOX user and watch its data arrive, signed, at a local receiver; then open the connect widget (no accounts needed)")
    .option("--days <n>", "days of history to backfill", "28")
    // Not a deployment's folder: the demo's users never show up in a real server started here later.
    .option("--data-dir <path>", "where the demo's embedded database lives", process.env.TRIBUTARY_DEMO_DATA_DIR ?? ".tributary-demo")
    .option("--port <n>", "port of the demo's connect widget and API on 127.0.0.1", "3000")
    .option("--no-widget", "stop after the SANDBOX backfill instead of serving the connect widget")
    // Only when asked: a deployment's destinations must not get synthetic users by default (nor from
    // $TRIBUTARY_CONFIG or ./tributary.yaml, which this command never reads on its own).
    .option(
      "-c, --config <path>",
      "also deliver the demo's data to this config file's destinations (only its destinations: the demo keeps its own store and queues)",
    )
    .action(async (opts: { days: string; dataDir: string; port: string; widget: boolean; config?: string }) => {
      // Logs go to stderr at warn level: stdout is the newcomer's story.
      const log = createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr });
      const configDestinations = opts.config === undefined ? undefined : await loadDemoConfigDestinations(opts.config);
      // A deployment's database never sees the demo's users: its store is always the embedded one.
      if (process.env.DATABASE_URL) console.log(`• DATABASE_URL is set: not used, the demo keeps to its own embedded store in ${opts.dataDir}`);
      const result = await runDemo({
        redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
        dataDir: opts.dataDir,
        encryptionKey: process.env.TRIBUTARY_ENCRYPTION_KEY,
        days: Number(opts.days),
        keepReceiver: opts.widget,
        configDestinations,
        log,
        print: (line) => console.log(line),
      });
      if (result.invalid > 0) process.exitCode = 1;
      if (!opts.widget || result.invalid > 0) {
        await result.closeReceiver();
        return;
      }
      const widget = await startDemoWidget({
        redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
        dataDir: opts.dataDir,
        encryptionKey: process.env.TRIBUTARY_ENCRYPTION_KEY,
        receiver: result.receiver,
        configDestinations,
        port: Number(opts.port),
        log,
        print: (line) => console.log(line),
      });
      console.log(`\n→ Open the connect widget: ${widget.widgetUrl}`);
      console.log("  Connect SANDBOX or a mocked provider; its events and data arrive above. Ctrl+C stops the demo.");
      await new Promise<void>((resolve) => process.once("SIGINT", resolve));
      await widget.close();
      await result.closeReceiver();
    });
}
