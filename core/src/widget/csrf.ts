import { createHmac, randomBytes } from "node:crypto";
import type { RedisClient } from "../queue/redis-client.ts";
import { safeEqual } from "../contracts/safe-equal.ts";

/**
 * Signed double-submit tokens for the connect forms: a form carries HMAC(key, purpose + browser id +
 * deadline), the browser id lives in an HttpOnly cookie, so a page elsewhere can neither read the token
 * nor make one that matches the victim's cookie. A token is good until the deadline of what it was made
 * for (the widget session, the form flow) and no longer; a late one is told apart from a forged one, so
 * the user who comes back too late gets a failure redirect, not a "cookies blocked" page.
 *
 * The keys are shared by every process of the deployment (Redis) and rotate: one per hour, each kept for
 * KEY_SECONDS, so a leaked key signs nothing new after a day and none lives for ever.
 */
export interface CsrfTokens {
  /** A token for this browser and purpose, good until `expiresAt` (the session's own deadline). */
  token(browserId: string, purpose: string, expiresAt: string | Date): Promise<string>;
  /** `expired`: signed by us for this browser and purpose, but its deadline has passed. */
  check(browserId: string | undefined, purpose: string, token: unknown): Promise<CsrfVerdict>;
}

export type CsrfVerdict = "valid" | "expired" | "invalid";

const GENERATION_SECONDS = 3600;
/** Longer than any token a generation signs (capped at MAX_TOKEN_SECONDS) so a late token still reads as late. */
const KEY_SECONDS = 2 * 24 * 3600;
const MAX_TOKEN_SECONDS = 24 * 3600;
const TOKEN = /^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export function createCsrfTokens(redis: RedisClient, keyName: string, now: () => number = Date.now): CsrfTokens {
  const keys = new Map<number, Promise<Buffer | undefined>>();
  const keyOf = (generation: number, create: boolean): Promise<Buffer | undefined> => {
    const cached = keys.get(generation);
    if (cached !== undefined) return cached;
    const name = `${keyName}:${generation}`;
    const loaded = (async () => {
      if (create) await redis.set(name, randomBytes(32).toString("base64"), "EX", KEY_SECONDS, "NX");
      const stored = await redis.get(name);
      return stored === null ? undefined : Buffer.from(stored, "base64");
    })();
    // Keep what was found (a key never changes once set); ask again after a miss or a failure.
    loaded.then(
      (key) => {
        if (key === undefined) keys.delete(generation);
        else if (keys.size > 4) for (const old of keys.keys()) if (old < generation - 2) keys.delete(old);
      },
      () => keys.delete(generation),
    );
    keys.set(generation, loaded);
    return loaded;
  };
  const mac = (key: Buffer, browserId: string, purpose: string, deadline: number) =>
    createHmac("sha256", key).update(`${purpose}\n${browserId}\n${deadline}`).digest("base64url");

  return {
    async token(browserId, purpose, expiresAt) {
      const nowSeconds = Math.floor(now() / 1000);
      const deadline = Math.min(Math.ceil(new Date(expiresAt).getTime() / 1000), nowSeconds + MAX_TOKEN_SECONDS);
      const generation = Math.floor(nowSeconds / GENERATION_SECONDS);
      const key = await keyOf(generation, true);
      if (key === undefined) throw new Error("the CSRF key vanished from Redis");
      return `${generation}.${deadline}.${mac(key, browserId, purpose, deadline)}`;
    },

    async check(browserId, purpose, token) {
      if (browserId === undefined || browserId === "" || typeof token !== "string") return "invalid";
      const parts = TOKEN.exec(token);
      if (parts === null) return "invalid";
      const generation = Number(parts[1]);
      const deadline = Number(parts[2]);
      if (generation > Math.floor(now() / 1000 / GENERATION_SECONDS)) return "invalid";
      const key = await keyOf(generation, false);
      if (key === undefined) return "invalid";
      if (!safeEqual(parts[3]!, mac(key, browserId, purpose, deadline))) return "invalid";
      return deadline * 1000 <= now() ? "expired" : "valid";
    },
  };
}

/**
 * Deletes the single key deployments used before keys rotated: it has the rotating keys' base name
 * without a generation, and no expiry, so it would stay in Redis for ever though nothing reads it.
 * Idempotent: run at every start-up, it finds nothing after the first. A tidy-up, so it waits for Redis
 * rather than failing a start-up that began before Redis answered, and never rejects.
 */
export function dropUnrotatedCsrfKey(redis: RedisClient, keyName: string, onError: (error: unknown) => void = () => {}): Promise<void> {
  const drop = () =>
    redis.del(keyName).then(
      () => undefined,
      (error: unknown) => onError(error),
    );
  if (redis.status === "ready") return drop();
  return new Promise((resolve) => redis.once("ready", () => void drop().then(resolve)));
}
