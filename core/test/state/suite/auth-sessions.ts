import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, StateStore } from "../../../src/state/index.ts";
import { type SuiteContext, unique } from "./context.ts";

export function authSessionTests(ctx: SuiteContext): void {
  describe("auth sessions", () => {
    let db: Database;
    let store: StateStore;
    beforeAll(() => {
      ({ db, store } = ctx);
    });

    it("is taken exactly once, with its secret decrypted", async () => {
      const created = await store.createAuthSession({
        provider: "FITBIT",
        referenceId: "dev-user-1",
        secret: "verifier-123",
        successRedirectUrl: "https://app.example/ok",
      });
      expect(created.state.length).toBeGreaterThanOrEqual(32);
      expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(900_000);

      const taken = await store.takeAuthSession(created.state);
      expect(taken).toEqual(created);
      expect(taken?.secret).toBe("verifier-123");
      expect(await store.takeAuthSession(created.state)).toBeUndefined();
    });

    it("does not hand out an expired session, and purges expired ones", async () => {
      const expired = await store.createAuthSession({ provider: "OURA", expiresAt: new Date(Date.now() - 1000) });
      expect(await store.takeAuthSession(expired.state)).toBeUndefined();
      const { rows } = await db.query("SELECT 1 FROM auth_sessions WHERE state = $1", [expired.state]);
      expect(rows).toHaveLength(0);

      const stale = await store.createAuthSession({ provider: "OURA", ttlSeconds: -5 });
      const fresh = await store.createAuthSession({ provider: "OURA", state: unique("state"), userId: randomUUID() });
      expect(await store.purgeExpiredAuthSessions()).toBeGreaterThanOrEqual(1);
      expect(await store.takeAuthSession(stale.state)).toBeUndefined();
      expect((await store.takeAuthSession(fresh.state))?.user_id).toBe(fresh.user_id);
    });

    it("claims an expired session once, flagged, with what its failure redirect needs", async () => {
      const expired = await store.createAuthSession({
        provider: "STRAVA",
        referenceId: "dev-user-2",
        failureRedirectUrl: "https://app.example/failed",
        secret: "verifier-456",
        expiresAt: new Date(Date.now() - 1000),
      });
      const claimed = await store.claimAuthSession(expired.state);
      expect(claimed).toEqual({ session: expired, expired: true });
      expect(await store.claimAuthSession(expired.state)).toBeUndefined();

      const live = await store.createAuthSession({ provider: "STRAVA" });
      expect(await store.claimAuthSession(live.state)).toEqual({ session: live, expired: false });
      expect(await store.claimAuthSession(live.state)).toBeUndefined();
    });

    it("treats empty, oversized and unknown states as unknown", async () => {
      expect(await store.claimAuthSession("")).toBeUndefined();
      expect(await store.claimAuthSession("x".repeat(513))).toBeUndefined();
      expect(await store.claimAuthSession(unique("never-issued"))).toBeUndefined();
    });
  });
}
