import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { failureFromError } from "../../src/auth/auth-failure.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createPgliteDatabase } from "../../src/state/pglite-database.ts";
import { migrate } from "../../src/state/migrate.ts";
import { createStateStore, createTokenCipher, StateErrorCodes } from "../../src/state/index.ts";

describe("what a failed connect tells the user", () => {
  it("the same account connected twice at once under one developer and reference_id: the second is account_conflict, not an internal error", async () => {
    const db = await createPgliteDatabase();
    try {
      await migrate(db);
      const store = createStateStore({ db, cipher: createTokenCipher({ key: randomBytes(32).toString("base64") }) });
      const owner = { provider: "GENERIC", providerUserId: "racer", developerId: "dev", referenceId: "ref" };
      await store.createConnection(owner);
      // The loser of the race finds no earlier connection (the winner had not committed) and inserts too.
      const lost = await store.createConnection(owner).catch((error: unknown) => error);
      expect(lost).toMatchObject({ code: StateErrorCodes.CONFLICT });
      expect(failureFromError(lost, { provider: "GENERIC", session: null }, "token_exchange_failed", silentLogger())).toMatchObject({
        ok: false,
        reason: "account_conflict",
      });
    } finally {
      await db.close();
    }
  });
});
