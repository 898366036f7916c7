import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../../src/state/index.ts";
import type { SuiteContext } from "./context.ts";
import { cursorUpdateTests } from "./cursor-updates.ts";

export function cursorTests(ctx: SuiteContext): void {
  describe("cursors", () => {
    let store: StateStore;
    beforeAll(() => {
      ({ store } = ctx);
    });

    it("stores any JSON cursor per connection and data type", async () => {
      const { user_id } = await store.createConnection({ provider: "FITBIT" });
      expect(await store.getCursor(user_id, "activity")).toBeUndefined();
      await store.setCursor(user_id, "activity", { since: "2024-01-01", page: 2 });
      await store.setCursor(user_id, "sleep", ["a", 1]);
      expect(await store.getCursor(user_id, "activity")).toEqual({ since: "2024-01-01", page: 2 });
      await store.setCursor(user_id, "activity", "token-xyz");
      expect(await store.getCursor(user_id, "activity")).toBe("token-xyz");
      expect(await store.getCursor(user_id, "sleep")).toEqual(["a", 1]);
      expect(await store.getCursor("nope", "sleep")).toBeUndefined();
    });

    it("refuses a cursor for an unknown connection", async () => {
      await expect(store.setCursor(randomUUID(), "daily", 1)).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
      await expect(store.updateCursor(randomUUID(), "daily", () => 1)).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
    });

    it("updates a row inside a store transaction, undone with it", async () => {
      const { user_id } = await store.createConnection({ provider: "FITBIT" });
      await store.setCursor(user_id, "daily", { n: 1 });
      const failure = new Error("after the update");
      await expect(
        store.transaction(async (tx) => {
          expect(await tx.updateCursor<{ n: number }>(user_id, "daily", (current) => ({ n: (current?.n ?? 0) + 1 }))).toEqual({ n: 2 });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.getCursor(user_id, "daily")).toEqual({ n: 1 });
      await store.transaction((tx) => tx.updateCursor<{ n: number }>(user_id, "daily", (current) => ({ n: (current?.n ?? 0) + 1 })));
      expect(await store.getCursor(user_id, "daily")).toEqual({ n: 2 });
    });

    cursorUpdateTests({
      cursors: () => store,
      newUser: async () => (await store.createConnection({ provider: "FITBIT" })).user_id,
    });
  });
}
