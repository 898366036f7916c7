import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { RedisClient } from "../queue/redis-client.ts";

/**
 * Signed double-submit tokens for the connect forms: a form carries HMAC(key, purpose + browser id),
 * the browser id lives in an HttpOnly cookie, so a page elsewhere can neither read the token nor make
 * one that matches the victim's cookie. The key is shared by every process of the deployment (Redis).
 */
export interface CsrfTokens {
  token(browserId: string, purpose: string): Promise<string>;
  check(browserId: string | undefined, purpose: string, token: unknown): Promise<boolean>;
}

export function createCsrfTokens(redis: RedisClient, keyName: string): CsrfTokens {
  let key: Promise<Buffer> | undefined;
  const keyOf = () =>
    (key ??= (async () => {
      await redis.set(keyName, randomBytes(32).toString("base64"), "NX");
      const stored = await redis.get(keyName);
      if (stored === null) throw new Error("the CSRF key vanished from Redis");
      return Buffer.from(stored, "base64");
    })().catch((error: unknown) => {
      key = undefined;
      throw error;
    }));
  const sign = async (browserId: string, purpose: string) =>
    createHmac("sha256", await keyOf())
      .update(`${purpose}\n${browserId}`)
      .digest("base64url");
  return {
    token: sign,
    async check(browserId, purpose, token) {
      if (browserId === undefined || browserId === "" || typeof token !== "string" || token === "") return false;
      const expected = Buffer.from(await sign(browserId, purpose));
      const given = Buffer.from(token);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
