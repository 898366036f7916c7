import { describe, expect, it } from "vitest";
import { DATA_EVENT_TYPES, ErrorCodes, UserError } from "@tributary/core/contracts";
import { activityRecord, dailyRecord, dataPayload, delivery, testUser } from "@tributary/test-kit";
import { planBatch } from "../src/batch-plan.ts";
import { DATA_TABLE_TYPES } from "../src/index.ts";

describe("planBatch", () => {
  it("has one table for every data event type the contracts know", () => {
    expect([...DATA_TABLE_TYPES].sort()).toEqual([...DATA_EVENT_TYPES].sort());
  });

  it("keeps the newest version of a key, whatever the order in the batch", () => {
    const user = testUser();
    const older = delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 1)]), { orderingTimestamp: 1 });
    const newer = delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 2)]), { orderingTimestamp: 2 });
    for (const batch of [
      [older, newer],
      [newer, older],
    ]) {
      const plan = planBatch(batch);
      expect(plan.data).toHaveLength(1);
      expect(plan.data[0]?.rows).toHaveLength(1);
      expect(plan.data[0]?.rows[0]).toMatchObject({ naturalKey: "2026-11-04", orderingTs: 2, traceId: newer.traceId });
    }
  });

  it("sorts rows by key so concurrent writers lock them in the same order", () => {
    const user = testUser();
    const plan = planBatch([
      delivery(
        dataPayload(
          "activity",
          user,
          ["c", "a", "b"].map((id) => activityRecord(id, "2026-11-02T07:00:00+00:00")),
        ),
      ),
    ]);
    expect(plan.data[0]?.rows.map((r) => r.naturalKey)).toEqual(["a", "b", "c"]);
  });

  it("merges a user's rows: profile from the newest payload, state from the newest lifecycle event", () => {
    const user = testUser();
    const plan = planBatch([
      delivery({ type: "deauth", user }, { orderingTimestamp: 5 }),
      delivery(dataPayload("daily", { ...user, reference_id: "newest-ref" }, [dailyRecord("2026-11-04", 1)]), { orderingTimestamp: 9 }),
      delivery({ type: "auth", user }, { orderingTimestamp: 3 }),
    ]);
    expect(plan.users).toEqual([expect.objectContaining({ userId: user.user_id, referenceId: "newest-ref", orderingTs: 9, state: "deauth", stateTs: 5 })]);
    expect(plan.events.map((e) => e.eventType).sort()).toEqual(["auth", "deauth"]);
  });

  it("gives user_reauth's old user its own state and files the event under the new user", () => {
    const oldUser = testUser();
    const newUser = testUser();
    const plan = planBatch([delivery({ type: "user_reauth", old_user: oldUser, new_user: newUser }, { orderingTimestamp: 7 })]);
    const states = Object.fromEntries(plan.users.map((u) => [u.userId, u.state]));
    expect(states).toEqual({ [oldUser.user_id]: "user_reauth", [newUser.user_id]: "active" });
    expect(plan.events.map((e) => e.userId)).toEqual([newUser.user_id]);
  });

  it("files a replayed event once and events without a user without a users row", () => {
    const user = testUser();
    const auth = delivery({ type: "auth", user }, { orderingTimestamp: 11 });
    const plan = planBatch([auth, auth, delivery({ type: "healthcheck", sent_webhooks_last_hour: 3 })]);
    expect(plan.events).toHaveLength(2);
    expect(plan.users.map((u) => u.userId)).toEqual([user.user_id]);
  });

  it("leaves bogus start times out of the indexed column but keeps them in the payload", () => {
    const user = testUser();
    const record = { metadata: { summary_id: "x", start_time: "not a time", end_time: "+010000-01-01T00:00:00Z" } };
    const plan = planBatch([delivery(dataPayload("activity", user, [record]))]);
    expect(plan.data[0]?.rows[0]).toMatchObject({ startTime: null, endTime: null });
    expect(plan.data[0]?.rows[0]?.payload).toContain("not a time");
  });

  it("refuses a data payload that names no user", () => {
    const payload = { type: "daily", data: [dailyRecord("2026-11-04", 1)], version: "2022-03-16" };
    expect(() => planBatch([delivery(payload)])).toThrow(UserError);
    expect(() => planBatch([delivery(payload)])).toThrow(expect.objectContaining({ code: ErrorCodes.DESTINATION_REJECTED }));
  });
});
