import type { FastifyInstance } from "fastify";
import type { RedisClient } from "../queue/redis-client.ts";
import type { StateStore } from "../state/index.ts";
import type { Logger } from "../log/logger.ts";
import { checkReadiness } from "./readiness.ts";

export interface HealthRoutesOptions {
  redis: RedisClient;
  store: StateStore;
  /** Per dependency. @default 1000 */
  timeoutMs?: number;
}

/**
 * `/health/live` answers while the process runs (restart it when this fails); `/health/ready` checks
 * that Redis and the database answer (take it out of the load balancer while this fails).
 */
export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 1000;

  // The pid says which copy of a `--processes N` server answered.
  app.get("/health/live", async () => ({ status: "ok", pid: process.pid }));

  app.get("/health/ready", async (request, reply) => {
    const { ready, checks } = await checkReadiness({ redis: options.redis, store: options.store, timeoutMs, log: request.log as Logger });
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ok" : "error", checks });
  });
}
