import { randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createStateStore, createTokenCipher, type Database, type StateStore } from "../../../src/state/index.ts";
import { encodingsOf, findInAnyColumn } from "../find-plaintext.ts";
import { type SuiteContext, newKey, unique } from "./context.ts";

export function tokenTests(ctx: SuiteContext): void {
  describe("tokens", () => {
    let db: Database;
    let store: StateStore;
    let key: string;
    beforeAll(() => {
      ({ db, store, key } = ctx);
    });

    const tokensFor = () => ({
      access_token: `access-${randomBytes(12).toString("hex")}`,
      refresh_token: `refresh-${randomBytes(12).toString("hex")}`,
      expires_at: 1_900_000_000,
    });

    it("round-trips through encryption", async () => {
      const tokens = tokensFor();
      const { user_id } = await store.createConnection({ provider: "FITBIT", tokens });
      expect(await store.getTokens(user_id)).toEqual(tokens);

      const rotated = { ...tokensFor(), scope: ["a", "b"] };
      await store.setTokens(user_id, rotated);
      expect(await store.getTokens(user_id)).toEqual(rotated);

      await store.setTokens(user_id, null);
      expect(await store.getTokens(user_id)).toBeUndefined();
    });

    it("replaces tokens only over the ones a refresh spent: of two writers refreshed from the same tokens, the later write loses", async () => {
      const spent = tokensFor();
      const { user_id } = await store.createConnection({ provider: "FITBIT", tokens: spent });
      const first = { ...tokensFor(), obtained_at: 1 };
      const second = { ...tokensFor(), obtained_at: 2 };
      const results = await Promise.all([store.replaceTokens(user_id, spent, first), store.replaceTokens(user_id, spent, second)]);
      // Exactly one stored its tokens, and those are the ones kept.
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.getTokens(user_id)).toEqual(results[0] ? first : second);
      const kept = results[0] ? first : second;
      expect(await store.replaceTokens(user_id, spent, { ...tokensFor(), obtained_at: 3 })).toBe(false);
      expect(await store.getTokens(user_id)).toEqual(kept);
      // Over the tokens in place it stores; over cleared tokens (a disconnect meanwhile) it does not.
      const third = { ...tokensFor(), obtained_at: 4 };
      expect(await store.replaceTokens(user_id, { ...kept, scope: undefined } as typeof kept, third)).toBe(true);
      expect(await store.getTokens(user_id)).toEqual(third);
      await store.setTokens(user_id, null);
      expect(await store.replaceTokens(user_id, third, tokensFor())).toBe(false);
      expect(await store.getTokens(user_id)).toBeUndefined();
      await expect(store.replaceTokens(randomUUID(), spent, tokensFor())).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
    });

    it("refuses tokens for an unknown connection", async () => {
      await expect(store.setTokens(randomUUID(), tokensFor())).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
      expect(await store.getTokens(randomUUID())).toBeUndefined();
    });

    it("never stores tokens or flow secrets in clear, in any column of any table", async () => {
      const tokens = tokensFor();
      const providerUserId = unique("scan");
      const { user_id } = await store.createConnection({ provider: "FITBIT", providerUserId, tokens });
      const secret = `pkce-${randomBytes(16).toString("hex")}`;
      await store.createAuthSession({ provider: "FITBIT", secret });

      const { rows } = await db.query<{ tokens_ciphertext: string }>("SELECT tokens_ciphertext FROM connections WHERE user_id = $1", [user_id]);
      expect(rows[0]?.tokens_ciphertext).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);

      const needles = [
        ...encodingsOf(tokens.access_token),
        ...encodingsOf(tokens.refresh_token),
        ...encodingsOf(JSON.stringify(tokens)),
        ...encodingsOf(secret),
      ];
      expect(await findInAnyColumn(db, needles)).toEqual([]);
      // The scanner itself works: it does find a value that is stored in clear.
      expect(await findInAnyColumn(db, [providerUserId])).toEqual(["connections.provider_user_id"]);
    });

    it("fails clearly with the wrong key, and decrypts with a rotated-out previous key", async () => {
      const tokens = tokensFor();
      const { user_id } = await store.createConnection({ provider: "FITBIT", tokens });

      const wrong = createStateStore({ db, cipher: createTokenCipher({ key: newKey() }) });
      await expect(wrong.getTokens(user_id)).rejects.toMatchObject({ code: "ERR_STATE_DECRYPT_UNKNOWN_KEY" });

      const rotated = createStateStore({ db, cipher: createTokenCipher({ key: newKey(), previousKeys: [key] }) });
      expect(await rotated.getTokens(user_id)).toEqual(tokens);
    });

    it("detects a tampered ciphertext", async () => {
      const { user_id } = await store.createConnection({ provider: "FITBIT", tokens: tokensFor() });
      const { rows } = await db.query<{ c: string }>("SELECT tokens_ciphertext AS c FROM connections WHERE user_id = $1", [user_id]);
      // Change the first character of the encrypted body: every bit of it is data (the last character of
      // unpadded base64 may carry unused bits, so changing it can leave the bytes as they were).
      const parts = rows[0]!.c.split(".");
      const body = parts.at(-1)!;
      parts[parts.length - 1] = `${body[0] === "A" ? "B" : "A"}${body.slice(1)}`;
      await db.query("UPDATE connections SET tokens_ciphertext = $2 WHERE user_id = $1", [user_id, parts.join(".")]);
      await expect(store.getTokens(user_id)).rejects.toMatchObject({ code: "ERR_STATE_DECRYPT_FAILED" });

      await db.query("UPDATE connections SET tokens_ciphertext = $2 WHERE user_id = $1", [user_id, "garbage"]);
      await expect(store.getTokens(user_id)).rejects.toMatchObject({ code: "ERR_STATE_CIPHERTEXT_MALFORMED" });
    });

    it("rejects a ciphertext copied from another connection's row", async () => {
      const a = await store.createConnection({ provider: "FITBIT", tokens: tokensFor() });
      const b = await store.createConnection({ provider: "FITBIT", tokens: tokensFor() });
      await db.query("UPDATE connections SET tokens_ciphertext = (SELECT tokens_ciphertext FROM connections WHERE user_id = $1) WHERE user_id = $2", [
        a.user_id,
        b.user_id,
      ]);
      await expect(store.getTokens(b.user_id)).rejects.toMatchObject({ code: "ERR_STATE_DECRYPT_FAILED" });
    });
  });
}
