import { beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../../src/state/index.ts";
import type { SuiteContext } from "./context.ts";

const part = (precedence: number, at: number, steps: number) => ({ precedence, at, record: { distance_data: { steps } } });

export function recordPartTests(ctx: SuiteContext): void {
  describe("record parts", () => {
    let store: StateStore;
    beforeAll(() => {
      ({ store } = ctx);
    });

    it("keeps the parts of a record per user, data type and key; a part with an id already kept replaces it", async () => {
      const { user_id } = await store.createConnection({ provider: "GARMIN" });
      expect(await store.addRecordParts(user_id, "daily", "2026-03-10", { daily: part(1, 1, 100) })).toEqual({ daily: part(1, 1, 100) });
      expect(await store.addRecordParts(user_id, "daily", "2026-03-10", { "epochs:a": part(0, 2, 5), "epochs:b": part(0, 2, 6) })).toEqual({
        daily: part(1, 1, 100),
        "epochs:a": part(0, 2, 5),
        "epochs:b": part(0, 2, 6),
      });
      expect(await store.addRecordParts(user_id, "daily", "2026-03-10", { "epochs:b": part(0, 3, 7) })).toMatchObject({ "epochs:b": part(0, 3, 7) });
      // Another day, another data type: records of their own.
      expect(await store.addRecordParts(user_id, "daily", "2026-03-11", { daily: part(1, 4, 1) })).toEqual({ daily: part(1, 4, 1) });
      expect(await store.addRecordParts(user_id, "body", "2026-03-10", { body: part(0, 4, 2) })).toEqual({ body: part(0, 4, 2) });
    });

    it("concurrent parts of one record all end up in it", async () => {
      const { user_id } = await store.createConnection({ provider: "GARMIN" });
      const ids = Array.from({ length: 8 }, (_, i) => `epochs:${i}`);
      await Promise.all(ids.map((id, i) => store.addRecordParts(user_id, "daily", "2026-03-10", { [id]: part(0, i, i) })));
      expect(Object.keys(await store.addRecordParts(user_id, "daily", "2026-03-10", {})).sort()).toEqual(ids);
    });

    it("each change of a record's parts gives it a greater version", async () => {
      const { user_id } = await store.createConnection({ provider: "GARMIN" });
      expect(await store.readRecordParts(user_id, "daily", "2026-03-10")).toBeUndefined();
      await store.addRecordParts(user_id, "daily", "2026-03-10", { daily: part(1, 1, 100) });
      const first = (await store.readRecordParts(user_id, "daily", "2026-03-10"))!;
      expect(first.parts).toEqual({ daily: part(1, 1, 100) });
      // Milliseconds of the change: close to now, whatever the clock's resolution.
      expect(Math.abs(first.version - Date.now())).toBeLessThan(60_000);
      const versions = [first.version];
      for (let i = 0; i < 3; i++) {
        await store.addRecordParts(user_id, "daily", "2026-03-10", { [`epochs:${i}`]: part(0, 2, i) });
        versions.push((await store.readRecordParts(user_id, "daily", "2026-03-10"))!.version);
      }
      expect(versions.every((version, i) => i === 0 || version > versions[i - 1]!)).toBe(true);
    });

    it("pruning removes the records of a provider's users no part arrived for since the given time, only those", async () => {
      const old = await store.createConnection({ provider: "GARMIN" });
      const other = await store.createConnection({ provider: "OURA" });
      await store.addRecordParts(old.user_id, "daily", "2026-01-01", { daily: part(1, 1, 1) });
      await store.addRecordParts(old.user_id, "daily", "2026-03-10", { daily: part(1, 1, 2) });
      await store.addRecordParts(other.user_id, "daily", "2026-01-01", { daily: part(1, 1, 3) });
      await ctx.db.query("UPDATE record_parts SET updated_at = now() - interval '50 days' WHERE record_key = '2026-01-01' AND user_id IN ($1, $2)", [
        old.user_id,
        other.user_id,
      ]);
      const before = new Date(Date.now() - 40 * 86_400_000);
      expect(await store.pruneRecordParts({ provider: "GARMIN", before })).toBe(1);
      expect(await store.readRecordParts(old.user_id, "daily", "2026-01-01")).toBeUndefined();
      expect(await store.readRecordParts(old.user_id, "daily", "2026-03-10")).toBeDefined();
      // Another provider's are its own sweep's.
      expect(await store.readRecordParts(other.user_id, "daily", "2026-01-01")).toBeDefined();
      expect(await store.pruneRecordParts({ provider: "GARMIN", before })).toBe(0);
    });

    it("a deactivated connection's parts are erased, and none are kept for it afterwards", async () => {
      const { user_id } = await store.createConnection({ provider: "GARMIN" });
      await store.addRecordParts(user_id, "daily", "2026-03-10", { daily: part(1, 1, 100) });
      await store.deactivate(user_id);
      expect(await store.addRecordParts(user_id, "daily", "2026-03-10", { "epochs:a": part(0, 2, 5) })).toEqual({ "epochs:a": part(0, 2, 5) });
      const { rows } = await ctx.db.query("SELECT count(*)::int AS n FROM record_parts WHERE user_id = $1", [user_id]);
      expect(rows[0]).toEqual({ n: 0 });
    });
  });
}
