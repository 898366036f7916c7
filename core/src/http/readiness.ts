import type { RedisClient } from "../queue/redis-client.ts";
import type { Logger } from "../log/logger.ts";
import type { StateStore } from "../state/index.ts";
import { withTimeout } from "./unavailable.ts";

export type CheckResult = "ok" | "unavailable";

export interface Readiness {
  ready: boolean;
  checks: { redis: CheckResult; database: CheckResult };
}

/** Whether Redis and the state store answer, each within `timeoutMs`: what `/health/ready` reports. */
export async function checkReadiness(deps: { redis: RedisClient; store: StateStore; timeoutMs: number; log: Logger }): Promise<Readiness> {
  const check = async (name: string, probe: () => Promise<unknown>): Promise<CheckResult> => {
    try {
      await withTimeout(probe(), deps.timeoutMs, name);
      return "ok";
    } catch (error) {
      deps.log.warn({ dependency: name, err: (error as Error).message }, "readiness check failed");
      return "unavailable";
    }
  };
  const [redis, database] = await Promise.all([check("redis", () => deps.redis.ping()), check("database", () => deps.store.db.query("SELECT 1"))]);
  return { ready: redis === "ok" && database === "ok", checks: { redis, database } };
}
