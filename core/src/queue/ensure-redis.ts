import { spawnSync } from "node:child_process";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import { openRedis, type RedisTarget } from "./redis-client.ts";

/** Whether Redis (a node, or a cluster) answers PING within `timeoutMs`; one attempt, no retry, nothing left open. */
export async function pingRedis(target: RedisTarget | string, timeoutMs: number): Promise<boolean> {
  const client = openRedis(target, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * BullMQ needs Redis. When none answers at a local URL and `redis-server` is installed, start one
 * (in-memory, nothing written to disk); otherwise stop with one line that says how to get one.
 */
export async function ensureRedis(url: string, log?: Logger): Promise<{ started: boolean }> {
  if (await pingRedis(url, 1000)) return { started: false };
  const parsed = new URL(url);
  const howTo = "install Redis (apt-get install redis-server, or brew install redis) or point REDIS_URL at a running one";
  if (!LOCAL_HOSTS.has(parsed.hostname)) {
    throw new UserError(ErrorCodes.REDIS_UNAVAILABLE, `Redis is not reachable at ${parsed.host}`, { hint: `Start it, or ${howTo}.` });
  }
  const port = parsed.port || "6379";
  const started = spawnSync("redis-server", ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "yes"], {
    stdio: "ignore",
  });
  if (started.error || started.status !== 0) {
    throw new UserError(ErrorCodes.REDIS_UNAVAILABLE, `Redis is not running on ${parsed.host} and redis-server is not installed`, {
      hint: `To fix: ${howTo}.`,
    });
  }
  log?.info({ port }, "started a local redis-server (in-memory)");
  for (let i = 0; i < 50; i++) {
    if (await pingRedis(url, 500)) return { started: true };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new UserError(ErrorCodes.REDIS_UNAVAILABLE, `Started redis-server on port ${port} but it does not answer`, {
    hint: `Check that port ${port} is free, or ${howTo}.`,
  });
}
