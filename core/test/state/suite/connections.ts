import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, StateStore } from "../../../src/state/index.ts";
import { type SuiteContext, unique } from "./context.ts";

export function connectionTests(ctx: SuiteContext): void {
  describe("connections", () => {
    let db: Database;
    let store: StateStore;
    beforeAll(() => {
      ({ db, store } = ctx);
    });

    it("creates a TerraUser-shaped connection", async () => {
      const reference = unique("ref");
      const created = await store.createConnection({
        provider: "FITBIT",
        referenceId: reference,
        providerUserId: unique("fb"),
        scopes: ["activity", "sleep"],
      });
      expect(created).toMatchObject({
        provider: "FITBIT",
        reference_id: reference,
        scopes: "activity,sleep",
        active: true,
        last_webhook_update: null,
        last_polled_at: null,
        most_recent_data_at: null,
      });
      expect(created.user_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(created.created_at).toISOString()).toBe(created.created_at);
      expect(created).not.toHaveProperty("tokens_ciphertext");
      expect(await store.getConnection(created.user_id)).toEqual(created);
    });

    it("keeps a pre-allocated user_id", async () => {
      const userId = randomUUID();
      const created = await store.createConnection({ provider: "SANDBOX", userId });
      expect(created.user_id).toBe(userId);
      expect(created.scopes).toBeNull();
    });

    it("returns undefined for unknown and malformed ids", async () => {
      expect(await store.getConnection(randomUUID())).toBeUndefined();
      expect(await store.getConnection("not-a-uuid")).toBeUndefined();
      expect(await store.getTokens("not-a-uuid")).toBeUndefined();
      expect(await store.deleteConnection("not-a-uuid")).toBe(false);
    });

    it("allows one active connection per provider account, developer and reference_id", async () => {
      const providerUserId = unique("garmin");
      const first = await store.createConnection({ provider: "GARMIN", providerUserId });
      expect((await store.findByProviderUserId("GARMIN", providerUserId))?.user_id).toBe(first.user_id);
      await expect(store.createConnection({ provider: "GARMIN", providerUserId })).rejects.toMatchObject({
        code: "ERR_STATE_CONFLICT",
      });
      // A missing reference_id or developer is one of its own: the empty one.
      await expect(store.createConnection({ provider: "GARMIN", providerUserId, developerId: "", referenceId: "" })).rejects.toMatchObject({
        code: "ERR_STATE_CONFLICT",
      });
      // The same provider account on another provider is a different account.
      await store.createConnection({ provider: "POLAR", providerUserId });

      const deactivated = await store.deactivate(first.user_id);
      expect(deactivated?.active).toBe(false);
      expect(await store.findByProviderUserId("GARMIN", providerUserId)).toBeUndefined();
      const second = await store.createConnection({ provider: "GARMIN", providerUserId });
      expect((await store.findByProviderUserId("GARMIN", providerUserId))?.user_id).toBe(second.user_id);
    });

    it("keeps the same account's connections of other developers and reference_ids apart, and finds each", async () => {
      const providerUserId = unique("shared");
      const mine = await store.createConnection({ provider: "GARMIN", providerUserId, developerId: "dev-a", referenceId: "ref-1" });
      const otherReference = await store.createConnection({ provider: "GARMIN", providerUserId, developerId: "dev-a", referenceId: "ref-2" });
      const noReference = await store.createConnection({ provider: "GARMIN", providerUserId, developerId: "dev-a" });
      const otherDeveloper = await store.createConnection({ provider: "GARMIN", providerUserId, developerId: "dev-b", referenceId: "ref-1" });
      await expect(store.createConnection({ provider: "GARMIN", providerUserId, developerId: "dev-b", referenceId: "ref-1" })).rejects.toMatchObject({
        code: "ERR_STATE_CONFLICT",
      });
      const owned = async (developerId: string | null, referenceId: string | null) =>
        (await store.findByProviderUserId("GARMIN", providerUserId, { developerId, referenceId }))?.user_id;
      expect(await owned("dev-a", "ref-1")).toBe(mine.user_id);
      expect(await owned("dev-a", "ref-2")).toBe(otherReference.user_id);
      expect(await owned("dev-a", null)).toBe(noReference.user_id);
      expect(await owned("dev-b", "ref-1")).toBe(otherDeveloper.user_id);
      expect(await owned("dev-b", null)).toBeUndefined();
      expect((await store.findByProviderUserIds("GARMIN", [providerUserId])).get(providerUserId)?.map((connection) => connection.user_id)).toEqual(
        [mine, otherReference, noReference, otherDeveloper].map((connection) => connection.user_id),
      );
      // Without an owner: the newest.
      expect((await store.findByProviderUserId("GARMIN", providerUserId))?.user_id).toBe(otherDeveloper.user_id);
    });

    it("marks a connection whose provider refused to refresh its tokens, keeping it and its tokens", async () => {
      const created = await store.createConnection({ provider: "WHOOP", providerUserId: unique("w"), tokens: { access_token: "a" } });
      expect(created).toMatchObject({ auth_status: "ok", auth_error: null, auth_error_at: null });
      const marked = await store.markAuthRevoked(created.user_id, "token endpoint answered 400 invalid_grant");
      expect(marked).toMatchObject({ auth_status: "revoked", auth_error: "token endpoint answered 400 invalid_grant", active: true });
      expect(Date.parse(marked!.auth_error_at!)).toBeGreaterThanOrEqual(Date.parse(created.created_at));
      expect(await store.getConnection(created.user_id)).toEqual(marked);
      expect(await store.getTokens(created.user_id)).toEqual({ access_token: "a" });
      expect(await store.markAuthRevoked(randomUUID(), "x")).toBeUndefined();
      expect(await store.markAuthRevoked("not-a-uuid", "x")).toBeUndefined();
      await expect(store.markAuthRevoked(created.user_id, " ")).rejects.toMatchObject({ code: "ERR_STATE_INVALID_ARGUMENT" });
    });

    it("replaces a connection's scopes with a newer change only, answering the scopes it had before", async () => {
      const created = await store.createConnection({ provider: "GARMIN", providerUserId: unique("g"), scopes: ["ACTIVITY_EXPORT", "HEALTH_EXPORT"] });
      const changed = await store.replaceScopes(created.user_id, ["ACTIVITY_EXPORT"], "2026-03-10T08:00:00Z");
      expect(changed).toMatchObject({ previous: "ACTIVITY_EXPORT,HEALTH_EXPORT", connection: { user_id: created.user_id, scopes: "ACTIVITY_EXPORT" } });
      expect(await store.getConnection(created.user_id)).toEqual(changed!.connection);
      // The same change again (a retry), or an older one: nothing is stored.
      expect(await store.replaceScopes(created.user_id, ["ACTIVITY_EXPORT"], "2026-03-10T08:00:00Z")).toBeUndefined();
      expect(await store.replaceScopes(created.user_id, ["HEALTH_EXPORT"], "2026-03-10T07:00:00Z")).toBeUndefined();
      expect((await store.getConnection(created.user_id))!.scopes).toBe("ACTIVITY_EXPORT");
      // A later one: none granted.
      expect(await store.replaceScopes(created.user_id, [], new Date("2026-03-10T09:00:00Z"))).toMatchObject({
        previous: "ACTIVITY_EXPORT",
        connection: { scopes: "" },
      });
      // Unknown, malformed, inactive: nothing.
      expect(await store.replaceScopes(randomUUID(), ["X"], "2026-03-10T10:00:00Z")).toBeUndefined();
      expect(await store.replaceScopes("not-a-uuid", ["X"], "2026-03-10T10:00:00Z")).toBeUndefined();
      await store.deactivate(created.user_id);
      expect(await store.replaceScopes(created.user_id, ["X"], "2026-03-10T10:00:00Z")).toBeUndefined();
    });

    it("concurrent scope changes each answer the scopes the other left", async () => {
      const created = await store.createConnection({ provider: "GARMIN", providerUserId: unique("g"), scopes: ["A"] });
      const [first, second] = await Promise.all([
        store.transaction((tx) => tx.replaceScopes(created.user_id, ["A", "B"], "2026-03-10T08:00:00Z")),
        store.transaction((tx) => tx.replaceScopes(created.user_id, ["A", "B", "C"], "2026-03-10T09:00:00Z")),
      ]);
      // The older change first: the newer one saw its scopes. The newer first: the older one is not applied.
      if (first) expect([first.previous, second?.previous]).toEqual(["A", "A,B"]);
      else expect(second?.previous).toBe("A");
      expect((await store.getConnection(created.user_id))!.scopes).toBe("A,B,C");
    });

    it("finds many accounts of one provider in one query, active ones only", async () => {
      const [a, b] = [unique("many-a"), unique("many-b")];
      const first = await store.createConnection({ provider: "OURA", providerUserId: a });
      const second = await store.createConnection({ provider: "OURA", providerUserId: b });
      await store.deactivate(second.user_id);
      const found = await store.findByProviderUserIds("OURA", [a, b, a, unique("nobody")]);
      expect([...found.keys()]).toEqual([a]);
      expect(found.get(a)?.map((connection) => connection.user_id)).toEqual([first.user_id]);
      expect(await store.findByProviderUserIds("OURA", [])).toEqual(new Map());
    });

    it("stores and finds provider text holding a NUL character (which PostgreSQL text cannot hold), escaped", async () => {
      const providerUserId = `${unique("nul")}\u0000tail`;
      const created = await store.createConnection({ provider: "WHOOP", providerUserId, referenceId: "ref\u0000" });
      expect(created.provider_user_id).toBe(providerUserId.replace("\u0000", "\\u0000"));
      expect((await store.findByProviderUserId("WHOOP", providerUserId))?.user_id).toBe(created.user_id);
      expect((await store.findByProviderUserIds("WHOOP", [providerUserId])).get(providerUserId)?.map((connection) => connection.user_id)).toEqual([
        created.user_id,
      ]);
      expect(await store.findByProviderUserId("WHOOP", "\u0000")).toBeUndefined();
    });

    it("tells which user ids have no active connection: deactivated, deleted, unknown or malformed", async () => {
      const active = await store.createConnection({ provider: "GARMIN", providerUserId: unique("a") });
      const deactivated = await store.createConnection({ provider: "GARMIN", providerUserId: unique("d") });
      const deleted = await store.createConnection({ provider: "GARMIN", providerUserId: unique("x") });
      await store.deactivate(deactivated.user_id);
      await store.deleteConnection(deleted.user_id);
      const unknown = "00000000-0000-4000-8000-000000000000";
      const inactive = await store.inactiveAmong([active.user_id, deactivated.user_id, deleted.user_id, unknown, "not-a-uuid", active.user_id]);
      expect([...inactive].sort()).toEqual([deactivated.user_id, deleted.user_id, unknown, "not-a-uuid"].sort());
      expect(await store.inactiveAmong([])).toEqual(new Set());
    });

    it("reads several connections in one call, active or not, leaving out unknown and malformed ids", async () => {
      const active = await store.createConnection({ provider: "GARMIN", providerUserId: unique("a") });
      const deactivated = await store.createConnection({ provider: "GARMIN", providerUserId: unique("d") });
      await store.deactivate(deactivated.user_id);
      const unknown = "00000000-0000-4000-8000-000000000000";
      const found = await store.getConnections([active.user_id, deactivated.user_id, unknown, "not-a-uuid", active.user_id]);
      expect([...found.keys()].sort()).toEqual([active.user_id, deactivated.user_id].sort());
      expect(found.get(active.user_id)).toEqual(await store.getConnection(active.user_id));
      expect(found.get(deactivated.user_id)?.active).toBe(false);
      expect(await store.getConnections([])).toEqual(new Map());
    });

    it("lists by reference id, filters and pages", async () => {
      const reference = unique("ref");
      const provider = unique("PROV").toUpperCase();
      const a = await store.createConnection({ provider, referenceId: reference });
      const b = await store.createConnection({ provider, referenceId: reference });
      const c = await store.createConnection({ provider });
      await store.deactivate(c.user_id);

      const byReference = await store.listByReferenceId(reference);
      expect(byReference.map((u) => u.user_id).sort()).toEqual([a.user_id, b.user_id].sort());

      const all = await store.listConnections({ provider });
      expect(all).toHaveLength(3);
      expect(await store.countConnections({ provider })).toBe(3);
      expect(await store.countConnections({ provider, active: true })).toBe(2);
      expect((await store.listConnections({ provider, active: false })).map((u) => u.user_id)).toEqual([c.user_id]);
      expect((await store.listConnections({ referenceId: reference })).length).toBe(2);

      const page1 = await store.listConnections({ provider, limit: 2, offset: 0 });
      const page2 = await store.listConnections({ provider, limit: 2, offset: 2 });
      expect([...page1, ...page2].map((u) => u.user_id)).toEqual(all.map((u) => u.user_id));
      await expect(store.listConnections({ limit: 0 })).rejects.toMatchObject({ code: "ERR_STATE_INVALID_ARGUMENT" });
    });

    it("tracks webhook and poll times without moving them backwards", async () => {
      const { user_id } = await store.createConnection({ provider: "OURA" });
      const later = "2024-05-02T10:00:00.000Z";
      const earlier = "2024-05-01T10:00:00.000Z";
      expect((await store.touchWebhookUpdate(user_id, later))?.last_webhook_update).toBe(later);
      expect((await store.touchWebhookUpdate(user_id, new Date(earlier)))?.last_webhook_update).toBe(later);

      const polled = await store.markPolled(user_id, later, earlier);
      expect(polled).toMatchObject({ last_polled_at: later, most_recent_data_at: earlier });
      const polledAgain = await store.markPolled(user_id, later);
      expect(polledAgain?.most_recent_data_at).toBe(earlier);

      expect(await store.touchWebhookUpdate(randomUUID())).toBeUndefined();
      await expect(store.markPolled(user_id, "yesterday")).rejects.toMatchObject({ code: "ERR_STATE_INVALID_ARGUMENT" });
    });

    it("deletes a connection together with its cursors", async () => {
      const { user_id } = await store.createConnection({ provider: "WHOOP" });
      await store.setCursor(user_id, "sleep", { next: "abc" });
      expect(await store.deleteConnection(user_id)).toBe(true);
      expect(await store.deleteConnection(user_id)).toBe(false);
      expect(await store.getConnection(user_id)).toBeUndefined();
      const { rows } = await db.query("SELECT 1 FROM cursors WHERE user_id = $1", [user_id]);
      expect(rows).toHaveLength(0);
    });

    it("runs several calls atomically in store.transaction", async () => {
      const providerUserId = unique("tx");
      await expect(
        store.transaction(async (tx) => {
          await tx.createConnection({ provider: "FITBIT", providerUserId });
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await store.findByProviderUserId("FITBIT", providerUserId)).toBeUndefined();

      const created = await store.transaction((tx) => tx.createConnection({ provider: "FITBIT", providerUserId }));
      expect((await store.findByProviderUserId("FITBIT", providerUserId))?.user_id).toBe(created.user_id);
    });
  });
}
