import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { ErrorCodes } from "../errors/codes.ts";
import { pingRedis } from "../queue/ensure-redis.ts";
import { describeRedis, redisUnavailable, type RedisTarget } from "../queue/redis-client.ts";
import { lockHolder } from "../state/data-dir-lock.ts";
import type { TributaryConfig } from "./config-schema.ts";
import type { DestinationCheckResult } from "./check-destinations.ts";

/**
 * Redis and the state store, as `check` reports them: read-only (no table created, no key generated).
 * The state store's tables are the process's to migrate at start; here it is enough that the server
 * takes our credentials.
 */
export async function checkDependencies(config: TributaryConfig, timeoutMs: number): Promise<DestinationCheckResult[]> {
  return Promise.all([checkRedis(config.redis, timeoutMs), checkStateStore(config, timeoutMs)]);
}

async function checkRedis(target: RedisTarget, timeoutMs: number): Promise<DestinationCheckResult> {
  const host = describeRedis(target);
  const started = performance.now();
  const ok = await pingRedis(target, timeoutMs);
  const durationMs = elapsed(started);
  if (ok) return { name: "redis", type: host, ok, durationMs };
  const error = redisUnavailable(target);
  return { name: "redis", type: host, ok, durationMs, error: { code: error.code, message: error.message, hint: error.hint ?? "" } };
}

async function checkStateStore(config: TributaryConfig, timeoutMs: number): Promise<DestinationCheckResult> {
  const started = performance.now();
  if (!config.database.url) {
    const dir = resolve(config.dataDir, "db");
    const what = `embedded, ${join(config.dataDir, "db")}`;
    // Opening PGlite would create it; that it can be created (or is there, or in use by a running process) is enough.
    if (existsSync(dir) || existsSync(dirname(dir)) || existsSync(dirname(dirname(dir))) || lockHolder(dir) !== undefined) {
      return { name: "state store", type: what, ok: true, durationMs: elapsed(started) };
    }
    return {
      name: "state store",
      type: what,
      ok: false,
      durationMs: elapsed(started),
      error: {
        code: ErrorCodes.CONFIG_INVALID,
        message: `the parent folder of dataDir (${dirname(resolve(config.dataDir))}) does not exist`,
        hint: "Create it, or set dataDir to a folder that exists.",
      },
    };
  }
  const schema = config.database.schema;
  const what = `postgres ${safeHost(config.database.url)}${schema ? `, schema ${schema}` : ""}`;
  const client = new pg.Client({ connectionString: config.database.url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { name: "state store", type: what, ok: true, durationMs: elapsed(started) };
  } catch (error) {
    const reason = (error as Error).message || (error as NodeJS.ErrnoException).code || "connection failed";
    return {
      name: "state store",
      type: what,
      ok: false,
      durationMs: elapsed(started),
      error: {
        code: ErrorCodes.STATE_UNAVAILABLE,
        message: `PostgreSQL at ${safeHost(config.database.url)} is not usable: ${reason}`,
        hint: "Check database.url (DATABASE_URL): host, port, user, password and database name.",
      },
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** host:port/database, never the credentials. */
function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
