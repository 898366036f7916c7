import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { StateStore } from "../state/index.ts";
import { withTimeout } from "./unavailable.ts";

export interface HealthRoutesOptions {
  redis: Redis;
  store: StateStore;
  /** Per dependency. @default 1000 */
  timeoutMs?: number;
}

type CheckResult = "ok" | "unavailable";

/**
 * `/health/live` answers while the process runs (restart it when this fails); `/health/ready` checks
 * that Redis and the database answer (take it out of the load balancer while this fails).
 */
export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 1000;

  // The pid says which copy of a `--processes N` server answered.
  app.get("/health/live", async () => ({ status: "ok", pid: process.pid }));

  app.get("/health/ready", async (request, reply) => {
    const check = async (name: string, probe: () => Promise<unknown>): Promise<CheckResult> => {
      try {
        await withTimeout(probe(), timeoutMs, name);
        return "ok";
      } catch (error) {
        request.log.warn({ dependency: name, err: (error as Error).message }, "readiness check failed");
        return "unavailable";
      }
    };
    const [redis, database] = await Promise.all([
      check("redis", () => options.redis.ping()),
      check("database", () => options.store.db.query("SELECT 1")),
    ]);
    const ready = redis === "ok" && database === "ok";
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ok" : "error", checks: { redis, database } });
  });
}
