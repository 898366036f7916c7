import { describe, expect, it } from "vitest";
import type { CursorRepository } from "../../../src/state/index.ts";
import { unique } from "./context.ts";

/** What every cursor store promises of `updateCursor`: the state store's backends and the in-memory one. */
export interface CursorUpdateSubject {
  cursors(): CursorRepository;
  /** A user id the store keeps cursors for. */
  newUser(): Promise<string>;
}

type Dates = { dates: string[] };

export function cursorUpdateTests(subject: CursorUpdateSubject): void {
  describe("updateCursor", () => {
    const UPDATERS = 16;
    const addDate = (date: string) => (current: Dates | undefined) => ({ dates: [...(current?.dates ?? []), date] });

    it("keeps every one of many concurrent updates of one row, whether or not the row existed", async () => {
      const cursors = subject.cursors();
      const user = await subject.newUser();
      await cursors.setCursor(user, "existing", { dates: ["start"] });
      const dates = Array.from({ length: UPDATERS }, (_, i) => `2026-01-${String(i + 1).padStart(2, "0")}`);
      await Promise.all(["existing", "missing"].flatMap((row) => dates.map((date) => cursors.updateCursor(user, row, addDate(date)))));
      expect((await cursors.getCursor<Dates>(user, "existing"))?.dates.sort()).toEqual([...dates, "start"].sort());
      expect((await cursors.getCursor<Dates>(user, "missing"))?.dates.sort()).toEqual(dates);
    });

    it("resolves with the row as kept; an update that returns undefined writes nothing", async () => {
      const cursors = subject.cursors();
      const user = await subject.newUser();
      expect(await cursors.updateCursor(user, "row", () => undefined)).toBeUndefined();
      expect(await cursors.getCursor(user, "row")).toBeUndefined();
      expect(await cursors.updateCursor<Dates>(user, "row", addDate("a"))).toEqual({ dates: ["a"] });
      expect(await cursors.updateCursor<Dates>(user, "row", (current) => (current?.dates.includes("a") ? undefined : addDate("a")(current)))).toEqual({
        dates: ["a"],
      });
      expect(await cursors.getCursor(user, "row")).toEqual({ dates: ["a"] });
    });

    it("leaves the row unchanged when the update throws, and passes the error on", async () => {
      const cursors = subject.cursors();
      const user = await subject.newUser();
      await cursors.setCursor(user, "row", { dates: ["kept"] });
      const failure = new Error(unique("update failed"));
      const failing = (current: Dates | undefined) => {
        current?.dates.push("changed in place");
        throw failure;
      };
      await expect(cursors.updateCursor(user, "row", failing)).rejects.toBe(failure);
      await expect(cursors.updateCursor(user, "absent", failing)).rejects.toBe(failure);
      expect(await cursors.getCursor(user, "row")).toEqual({ dates: ["kept"] });
      expect(await cursors.getCursor(user, "absent")).toBeUndefined();
      // Failures among concurrent updates cost only their own entries.
      await Promise.all(["a", "b", "c", "d"].map((date, i) => cursors.updateCursor(user, "row", i % 2 === 0 ? addDate(date) : failing).catch(() => undefined)));
      expect((await cursors.getCursor<Dates>(user, "row"))?.dates.sort()).toEqual(["a", "c", "kept"]);
    });

    it("refuses an update that returns a promise or null, leaving the row as it was", async () => {
      const cursors = subject.cursors();
      const user = await subject.newUser();
      await cursors.setCursor(user, "row", { dates: ["kept"] });
      const asynchronous = (async () => ({ dates: [] })) as unknown as () => Dates;
      await expect(cursors.updateCursor(user, "row", asynchronous)).rejects.toMatchObject({ code: "ERR_STATE_INVALID_ARGUMENT" });
      await expect(cursors.updateCursor(user, "row", () => null as unknown as Dates)).rejects.toMatchObject({ code: "ERR_STATE_INVALID_ARGUMENT" });
      expect(await cursors.getCursor(user, "row")).toEqual({ dates: ["kept"] });
    });
  });
}
