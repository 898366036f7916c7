/**
 * A lock holder as its own process, for the test that pauses it (SIGSTOP) past its lock's expiry: takes
 * LOCK_KEY for LOCK_TTL_MS and prints `in`; then waits for its lease's signal and prints `lost <code>`,
 * and what a write would be told right before it (`confirm false`), and how `hold` ended (`out <json>`).
 */
import { once } from "node:events";
import { Redis } from "ioredis";
import { createRedisLock } from "../../../src/auth/redis-lock.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const lock = createRedisLock(redis, { name: "test" });
const say = (line: string) => process.stdout.write(`${line}\n`);

const outcome = await lock.hold(process.env.LOCK_KEY!, Number(process.env.LOCK_TTL_MS), 0, async (lease) => {
  say("in");
  await once(lease.signal, "abort");
  say(`lost ${(lease.signal.reason as { code?: string }).code}`);
  say(`confirm ${await lease.confirm()}`);
  return "done";
});
say(`out ${JSON.stringify(outcome)}`);
redis.disconnect();
