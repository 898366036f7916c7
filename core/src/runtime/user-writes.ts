import { randomBytes } from "node:crypto";
import { operatorMessage } from "../errors/tributary-error.ts";
import { userWritesKey } from "../queue/redis-keys.ts";
import { deliveryBodyTtlSeconds } from "./delivery-bodies.ts";
import type { RuntimeContext } from "./runtime-context.ts";

type WritesContext = Pick<RuntimeContext, "redis" | "queues" | "policy" | "log">;

/**
 * How long a write's note outlives its last renewal: what a write whose process died holds a deauth back
 * for. A live process renews it every third of this for as long as the write runs, however long that is.
 */
export const USER_WRITE_TTL_MS = 15_000;

/** One write of a user's payload to a destination, noted as under way until it ends. */
export interface UserWrite {
  /**
   * Ends the note once `write` settles — at once without one. A write given up on at its timeout may still
   * land: its note stays, renewed, until it has, so the user's deauth cannot overtake it.
   */
  endAfter(write?: Promise<unknown>): Promise<void>;
}

/**
 * The writes of a user's payloads to a destination under way now (a Redis sorted set per user and
 * destination: a random member per write, scored with its deadline). A delivery notes its write before it
 * checks that its user is still connected and ends the note only when the write settles; the user's deauth
 * job, which runs once the user is deactivated, waits until none is under way before it writes `deauth`.
 * So every write either saw the deactivation (and is withheld) or lands before the `deauth`.
 */
export function userWrites(ctx: WritesContext) {
  const ttlSeconds = Math.ceil(deliveryBodyTtlSeconds(ctx));
  return {
    async begin(userId: string, destination: string): Promise<UserWrite> {
      const key = userWritesKey(ctx.queues.prefix, userId, destination);
      const member = randomBytes(9).toString("base64url");
      // A renewal only moves the deadline of a note still there (XX): one that crosses the end cannot bring it back.
      const note = (...only: ["XX"] | []) =>
        ctx.redis
          .multi()
          .zadd(key, ...only, Date.now() + USER_WRITE_TTL_MS, member)
          .expire(key, ttlSeconds)
          .exec();
      await note();
      const renewal = setInterval(() => {
        note("XX").catch((error: unknown) =>
          ctx.log.warn(
            { userId, destination, err: operatorMessage(error) },
            "a write's note could not be renewed; it lapses unless the next renewal reaches Redis",
          ),
        );
      }, USER_WRITE_TTL_MS / 3);
      renewal.unref();
      let ended: Promise<void> | undefined;
      return {
        endAfter: (write) =>
          (ended ??= (async () => {
            try {
              await write;
            } catch {
              // However it ended, it is over.
            } finally {
              clearInterval(renewal);
            }
            await ctx.redis.zrem(key, member);
          })()),
      };
    },
    /** Writes of this user's payloads to this destination under way (notes past their deadline are forgotten). */
    async underway(userId: string, destination: string): Promise<number> {
      const key = userWritesKey(ctx.queues.prefix, userId, destination);
      const [, count] = (await ctx.redis.multi().zremrangebyscore(key, "-inf", Date.now()).zcard(key).exec()) ?? [];
      if (count?.[0]) throw count[0];
      return Number(count?.[1] ?? 0);
    },
  };
}
