import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../../src/state/index.ts";
import { type SuiteContext, unique } from "./context.ts";

/** Developer accounts, pause/resume, data freshness and stale reports; widget sessions. */
export function accountTests(ctx: SuiteContext): void {
  describe("connections of developer accounts", () => {
    let store: StateStore;
    beforeAll(() => {
      ({ store } = ctx);
    });

    it("belong to a developer, and list and count by it", async () => {
      const acme = unique("acme");
      const other = unique("other");
      const reference = unique("ref");
      const a1 = await store.createConnection({ provider: "SANDBOX", developerId: acme, referenceId: reference });
      const a2 = await store.createConnection({ provider: "SANDBOX", developerId: acme });
      const o1 = await store.createConnection({ provider: "SANDBOX", developerId: other, referenceId: reference });
      expect(a1.developer_id).toBe(acme);
      expect((await store.listConnections({ developerId: acme })).map((c) => c.user_id).sort()).toEqual([a1.user_id, a2.user_id].sort());
      expect(await store.countConnections({ developerId: other })).toBe(1);
      expect((await store.listConnections({ developerId: other, referenceId: reference })).map((c) => c.user_id)).toEqual([o1.user_id]);
    });

    it("without a developer are adopted by the one given, once", async () => {
      const orphan = await store.createConnection({ provider: "SANDBOX" });
      expect(orphan.developer_id).toBeNull();
      const heir = unique("default");
      expect(await store.adoptConnections(heir)).toBeGreaterThanOrEqual(1);
      expect((await store.getConnection(orphan.user_id))?.developer_id).toBe(heir);
      expect(await store.adoptConnections(unique("late"))).toBe(0);
    });

    it("deactivateIfActive lets exactly one of two racing callers through", async () => {
      const user = await store.createConnection({ provider: "SANDBOX", developerId: unique("d") });
      const [a, b] = await Promise.all([store.deactivateIfActive(user.user_id), store.deactivateIfActive(user.user_id)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect((a ?? b)?.active).toBe(false);
      expect(await store.deactivateIfActive(user.user_id)).toBeUndefined();
      expect(await store.deactivateIfActive(randomUUID())).toBeUndefined();
    });

    it("pause keeps its first time, withholds data (inactiveAmong), and resume says when it began", async () => {
      const user = await store.createConnection({ provider: "SANDBOX", developerId: unique("d") });
      expect(await store.inactiveAmong([user.user_id])).toEqual(new Set());
      const paused = await store.pause(user.user_id);
      expect(paused?.paused_at).not.toBeNull();
      expect(paused?.active).toBe(true);
      expect((await store.pause(user.user_id))?.paused_at).toBe(paused?.paused_at);
      expect(await store.inactiveAmong([user.user_id])).toEqual(new Set([user.user_id]));
      expect((await store.listConnections({ developerId: user.developer_id!, paused: true })).map((c) => c.user_id)).toEqual([user.user_id]);

      const resumed = await store.resume(user.user_id);
      expect(resumed?.pausedAt).toBe(paused?.paused_at);
      expect(resumed?.connection.paused_at).toBeNull();
      expect(await store.inactiveAmong([user.user_id])).toEqual(new Set());
      expect((await store.resume(user.user_id))?.pausedAt).toBeNull();
      expect(await store.pause(randomUUID())).toBeUndefined();
      expect(await store.resume("not-a-uuid")).toBeUndefined();
    });

    it("reports a quiet connection stale once, until new data arrives", async () => {
      const provider = `STALE${randomUUID().slice(0, 6).toUpperCase().replaceAll("-", "")}`;
      const quiet = await store.createConnection({ provider, developerId: unique("d") });
      const lively = await store.createConnection({ provider, developerId: unique("d") });
      const paused = await store.createConnection({ provider, developerId: unique("d") });
      await store.pause(paused.user_id);
      await store.markDataSeen(lively.user_id, new Date(Date.now() + 60_000));
      await store.markDataSeen(quiet.user_id, "2020-01-01T00:00:00Z");
      expect((await store.getConnection(quiet.user_id))?.most_recent_data_at).toBe("2020-01-01T00:00:00.000Z");
      // Older data never moves it back.
      await store.markDataSeen(lively.user_id, "2019-01-01T00:00:00Z");
      expect(Date.parse((await store.getConnection(lively.user_id))!.most_recent_data_at!)).toBeGreaterThan(Date.now());

      const candidates = await store.staleCandidates({ provider, before: new Date() });
      expect(candidates.map((c) => c.user_id)).toEqual([quiet.user_id]);
      expect(await store.markStale([quiet.user_id, quiet.user_id])).toEqual([quiet.user_id]);
      expect(await store.markStale([quiet.user_id])).toEqual([]);
      expect(await store.staleCandidates({ provider, before: new Date() })).toEqual([]);
      expect((await store.countStale()).get(provider)).toBe(1);

      await store.markDataSeen(quiet.user_id, new Date());
      expect((await store.countStale()).get(provider)).toBeUndefined();
      // Quiet again by a later standard: both unpaused connections are candidates once more.
      expect(await store.staleCandidates({ provider, before: new Date(Date.now() + 3_600_000) })).toHaveLength(2);
    });
  });

  describe("widget sessions", () => {
    let store: StateStore;
    beforeAll(() => {
      ({ store } = ctx);
    });

    it("stores what the widget offers and can be read until it expires", async () => {
      const developerId = unique("dev");
      const session = await store.createWidgetSession({
        developerId,
        providers: ["SANDBOX", "FITBIT"],
        language: "en",
        referenceId: "user-1",
        successRedirectUrl: "https://app.example/ok",
      });
      expect(session).toMatchObject({
        developer_id: developerId,
        providers: ["SANDBOX", "FITBIT"],
        language: "en",
        reference_id: "user-1",
        failure_redirect_url: null,
      });
      expect(Date.parse(session.expires_at) - Date.parse(session.created_at)).toBe(900_000);
      expect(await store.getWidgetSession(session.id)).toEqual(session);
      expect(await store.getWidgetSession(session.id)).toEqual(session);

      const expired = await store.createWidgetSession({ developerId, providers: ["SANDBOX"], ttlSeconds: -1 });
      expect(await store.getWidgetSession(expired.id)).toBeUndefined();
      expect(await store.purgeExpiredWidgetSessions()).toBeGreaterThanOrEqual(1);
      expect(await store.getWidgetSession("nope")).toBeUndefined();
      await expect(store.createWidgetSession({ developerId, providers: ["a,b"] })).rejects.toMatchObject({ code: "ERR_STATE_INVALID_ARGUMENT" });
    });

    it("auth sessions carry the developer, widget session and language", async () => {
      const created = await store.createAuthSession({ provider: "FITBIT", developerId: "acme", widgetSessionId: "w-1", language: "fr" });
      expect(await store.takeAuthSession(created.state)).toMatchObject({ developer_id: "acme", widget_session_id: "w-1", language: "fr" });
    });
  });
}
