import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../../src/state/index.ts";
import type { SuiteContext } from "./context.ts";

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
    });
  });
}
