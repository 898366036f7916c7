import { InvalidArgumentError, type Command } from "commander";
import { buildApp, type App } from "../app/build-app.ts";
import { loadConfigWithPlugins } from "../config/load-config.ts";
import { withTimeout } from "../http/unavailable.ts";
import type { Logger } from "../log/logger.ts";
import { QUEUE_PREFIX } from "../queue/topology.ts";
import { redisUnavailable } from "../queue/redis-client.ts";

export const QUEUE_PREFIX_ENV = "TRIBUTARY_QUEUE_PREFIX";

export interface AppCommandOptions {
  config?: string;
  queuePrefix: string;
}

/** `-c, --config` and `--queue-prefix`, shared by every command that runs part of Tributary. */
export function withAppOptions(command: Command): Command {
  return command
    .option("-c, --config <path>", "config file (default: $TRIBUTARY_CONFIG, else ./tributary.yaml, else the built-in demo config)")
    .option(
      "--queue-prefix <prefix>",
      `Redis key prefix of the queues, the same for every process of one deployment ($${QUEUE_PREFIX_ENV})`,
      process.env[QUEUE_PREFIX_ENV] || QUEUE_PREFIX,
    );
}

/** Config, plugins and the composed app, as the command's options say. */
export async function loadApp(options: AppCommandOptions, log: Logger, { withHttp = false } = {}): Promise<App> {
  const { config, registry } = await loadConfigWithPlugins({ path: options.config });
  return buildApp({ config, registry, log, prefix: options.queuePrefix, withHttp });
}

/** One-shot commands enqueue on the workers' connection, which would wait forever for a missing Redis. */
export async function assertRedisReachable(app: App, timeoutMs = 3000): Promise<void> {
  try {
    // The producer connection refuses commands until it is connected: wait for that first.
    if (!(await app.producer.whenReady(timeoutMs))) throw new Error("not connected");
    await withTimeout(app.producer.redis.ping(), timeoutMs, "redis");
  } catch {
    throw redisUnavailable(app.config.redis);
  }
}

export function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}
