import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";

/** Overrides `redis.startupTimeoutSeconds` of the config, e.g. for an orchestrator's own restart policy. */
export const REDIS_STARTUP_TIMEOUT_ENV = "TRIBUTARY_REDIS_STARTUP_TIMEOUT";

export interface AwaitRedisOptions {
  /** Resolves true once connected, false after `timeoutMs` (ProducerQueues.whenReady). */
  whenReady(timeoutMs: number): Promise<boolean>;
  /** host:port, for the operator. */
  host: string;
  /** Give up after this long; 0 waits for ever. */
  limitSeconds: number;
  log: Logger;
}

/**
 * Wait for Redis at start-up. The connection retries by itself with backoff (ioredis' retryStrategy); this
 * says so in one line instead of one stack trace per attempt, and gives up after the limit so an
 * orchestrator sees the process fail rather than hang. Meanwhile /health/ready answers 503.
 */
export async function awaitRedis(options: AwaitRedisOptions): Promise<void> {
  const limitMs = options.limitSeconds * 1000;
  const first = limitMs === 0 ? 1000 : Math.min(1000, limitMs);
  if (await options.whenReady(first)) return;
  const until = options.limitSeconds === 0 ? "until it answers" : `for up to ${options.limitSeconds} s`;
  options.log.warn(`Redis is not reachable at ${options.host}; retrying with backoff ${until} (redis.startupTimeoutSeconds)`);
  const rest = limitMs === 0 ? 2 ** 31 - 1 : limitMs - first;
  while (!(await options.whenReady(Math.min(rest, 2 ** 31 - 1)))) {
    if (limitMs !== 0) {
      throw new UserError(ErrorCodes.REDIS_UNAVAILABLE, `Redis is not reachable at ${options.host} after ${options.limitSeconds} s`, {
        hint: `Start it, or point redis.url (REDIS_URL) at a running one; redis.startupTimeoutSeconds (${REDIS_STARTUP_TIMEOUT_ENV}) sets how long to wait.`,
      });
    }
  }
  options.log.info(`connected to Redis at ${options.host}`);
}

/** The limit from the environment when set there, else from the config. */
export function redisStartupLimitSeconds(configured: number, env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[REDIS_STARTUP_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === "") return configured;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new UserError(ErrorCodes.CONFIG_INVALID, `${REDIS_STARTUP_TIMEOUT_ENV} must be a number of seconds (0 waits for ever), got ${JSON.stringify(raw)}`, {
      hint: `Write e.g. ${REDIS_STARTUP_TIMEOUT_ENV}=60.`,
    });
  }
  return seconds;
}
