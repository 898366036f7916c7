import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStateStore } from "@tributary/test-kit";
import { loadConnection } from "../../src/runtime/connection-lookup.ts";
import type { StateStore } from "../../src/state/index.ts";

describe("loading the connections of push notifications", () => {
  let store: StateStore;
  beforeAll(async () => {
    store = await memoryStateStore();
  });
  afterAll(() => store.db.close());

  it("answers the lookups of one turn with one query, each caller its own connection, and sees a deauth at once", async () => {
    const users = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.createConnection({ provider: "SANDBOX", providerUserId: `lookup-${i}-${Date.now()}` })),
    );
    let queries = 0;
    const counting: StateStore = { ...store, getConnections: (ids) => (queries++, store.getConnections(ids)) };
    const found = await Promise.all([...users, users[0]!].map((user) => loadConnection(counting, user.user_id)));
    expect(found.map((connection) => connection?.user_id)).toEqual([...users, users[0]!].map((user) => user.user_id));
    expect(queries).toBe(1);

    await store.deactivate(users[1]!.user_id);
    expect((await loadConnection(counting, users[1]!.user_id))?.active).toBe(false);
    expect(await loadConnection(counting, "00000000-0000-4000-8000-000000000000")).toBeUndefined();
    expect(queries).toBe(3);
  });
});
