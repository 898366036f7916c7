import { describe, expect, it } from "vitest";
import { TributaryError } from "@tributary/core/contracts";
import { activityRecord, dailyRecord, dataPayload, delivery, testUser } from "@tributary/test-kit";
import { emulatorPerFile, startFirestoreEmulator } from "@tributary/test-kit/emulators";
import { FirestoreReader, createFirestoreDestination, rootFor } from "./firestore-harness.ts";

const emulated = emulatorPerFile(startFirestoreEmulator, (emulator) => new FirestoreReader(emulator));

describe("firestore document layout", () => {
  it("writes <root>/2022-03-16/<type>/<user_id>-<natural key> with user, user_id and bookkeeping", async () => {
    const destination = createFirestoreDestination(emulated.emulator);
    const root = rootFor(destination);
    const user = testUser();
    const u = user.user_id;
    const run = activityRecord("run/1", "2026-11-02T07:00:00.000000+00:00");
    const sent = delivery(dataPayload("activity", user, [run]), { orderingTimestamp: 1_700_000_000_000 });
    const auth = delivery({ type: "auth", status: "success", user }, { orderingTimestamp: Date.parse("2026-11-02T08:00:00.000Z") });
    await destination.write([
      sent,
      delivery(dataPayload("daily", user, [dailyRecord("2026-11-02", 5)])),
      delivery({ type: "athlete", user, athlete: { first_name: "Ada" }, version: "2022-03-16" }),
      auth,
    ]);
    const ids = async (type: string) => (await emulated.client.collection(root, type).where("user_id", "==", u).get()).docs.map((d) => d.id);
    expect(await ids("activity")).toEqual([`${u}-run%2F1`]);
    expect(await ids("daily")).toEqual([`${u}-2026-11-02`]);
    expect(await ids("athlete")).toEqual([u]);
    expect(await ids("user_events")).toEqual([`${u}-auth-2026-11-02T08:00:00.000Z`]);

    const activity = (await emulated.client.collection(root, "activity").doc(`${u}-run%2F1`).get()).data();
    expect(activity).toEqual({ ...run, user, user_id: u, _tributary: { trace_id: sent.traceId, ordering_ts: 1_700_000_000_000, key: "run/1" } });
    const event = (await emulated.client.collection(root, "user_events").doc(`${u}-auth-2026-11-02T08:00:00.000Z`).get()).data();
    expect(event).toMatchObject({ type: "auth", status: "success", user, user_id: u });
    await destination.close();
  });

  it("writes more than 500 documents in one call, in several commits", async () => {
    // 620 documents: two commits (500 + 120), enough to cross Firestore's per-commit limit.
    const destination = createFirestoreDestination(emulated.emulator);
    const user = testUser();
    const first = Date.parse("2024-01-01T00:00:00Z");
    const days = Array.from({ length: 620 }, (_, i) => dailyRecord(new Date(first + i * 86_400_000).toISOString().slice(0, 10), i));
    await destination.write([delivery(dataPayload("daily", user, days.slice(0, 300))), delivery(dataPayload("daily", user, days.slice(300)))]);
    const stored = await emulated.client.records(rootFor(destination), user.user_id);
    expect(stored).toHaveLength(620);
    expect(new Set(stored.map((r) => r.key)).size).toBe(620);
    await destination.close();
  });

  it("an older copy arriving after a newer one is not written", async () => {
    const destination = createFirestoreDestination(emulated.emulator);
    const user = testUser();
    const steps = async () => {
      const [record] = await emulated.client.records(rootFor(destination), user.user_id);
      return (record!.record.distance_data as { steps: number }).steps;
    };
    await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 200)]), { orderingTimestamp: 20 })]);
    await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 150)]), { orderingTimestamp: 15 })]);
    expect(await steps()).toBe(200);
    await destination.write([
      delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 400)]), { orderingTimestamp: 40 }),
      delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 300)]), { orderingTimestamp: 30 }),
    ]);
    expect(await steps()).toBe(400);
    await destination.close();
  });

  it("delete(user) erases the user's documents in every collection, events included", async () => {
    const destination = createFirestoreDestination(emulated.emulator);
    const root = rootFor(destination);
    const gone = testUser();
    const kept = testUser();
    for (const user of [gone, kept]) {
      await destination.write([
        delivery(dataPayload("sleep", user, [activityRecord("night", "2026-11-05T22:00:00.000000+00:00")])),
        delivery({ type: "athlete", user, athlete: { first_name: "X" }, version: "2022-03-16" }),
        delivery({ type: "deauth", status: "success", user }),
      ]);
    }
    await destination.delete(gone);
    for (const type of ["sleep", "athlete", "user_events"]) {
      expect((await emulated.client.collection(root, type).where("user_id", "==", gone.user_id).get()).size).toBe(0);
      expect((await emulated.client.collection(root, type).where("user_id", "==", kept.user_id).get()).size).toBe(1);
    }
    await destination.close();
  });
});

describe("firestore errors", () => {
  // Slow by nature (~7 s): the client retries a read stream that fails before its first response twice,
  // whatever the status.
  it("a project the server refuses is an auth error naming the project", async () => {
    const destination = createFirestoreDestination(emulated.emulator, { projectId: "not-ours" });
    const checked = await destination.check().catch((e: unknown) => e);
    expect(checked).toBeInstanceOf(TributaryError);
    expect(checked).toMatchObject({ code: "ERR_DESTINATION_AUTH", errorClass: "user" });
    expect((checked as Error).message).toContain("not-ours");
    await destination.close();
  });
});
