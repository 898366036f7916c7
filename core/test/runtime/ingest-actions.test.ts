import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestNotification, PullJobData } from "../../src/queue/topology.ts";
import { processNotification } from "../../src/runtime/processors/ingest-processor.ts";
import { startSpecPushApp, type SpecPushApp } from "../http/spec-push-app.ts";

/** What each webhook event action makes the ingest worker do, on real Redis with the spec fixtures. */
describe("webhook event actions", () => {
  let t: SpecPushApp;
  beforeAll(async () => {
    t = await startSpecPushApp();
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  const connect = async (provider: string) => {
    const providerUserId = `u-${randomUUID()}`;
    const { user_id } = await t.store.createConnection({ provider, providerUserId });
    return { userId: user_id, providerUserId };
  };
  const notification = (provider: string, who: { userId: string; providerUserId: string }, eventType: string, body: unknown): IngestNotification => ({
    id: randomUUID(),
    provider,
    ...who,
    eventType,
    notification: body,
    receivedAt: Date.parse("2026-04-02T12:00:00Z"),
    traceId: randomUUID(),
  });
  const pullJob = async (id: string) => (await t.app.ctx.queues.pull.getJob(id))?.data as PullJobData | undefined;

  it("pull_window with a date (Fitbit): a live pull of that day in any time zone", async () => {
    const who = await connect("FITBIT");
    const result = await processNotification(t.app.ctx, notification("FITBIT", who, "activities", { collectionType: "activities", date: "2026-04-01", ownerId: who.providerUserId }));
    expect(result).toEqual({ action: "pull", pullJobId: expect.any(String), start: "2026-03-31T10:00:00.000Z", end: "2026-04-02T14:00:00.000Z" });
    if (result.action !== "pull") return;
    expect(await pullJob(result.pullJobId)).toMatchObject({ userId: who.userId, provider: "FITBIT", dataType: "activity", reason: "ping" });
  });

  it("pull_window with start and end from a form body (Withings): unix seconds as text", async () => {
    const who = await connect("WITHINGS");
    const result = await processNotification(t.app.ctx, notification("WITHINGS", who, "1", { userid: who.providerUserId, appli: "1", startdate: "1775000000", enddate: "1775003600" }));
    expect(result).toMatchObject({ action: "pull", start: new Date(1775000000_000).toISOString(), end: new Date(1775003600_000).toISOString() });
  });

  it("records: the records the push carries go through the connector's mapping; invalid ones are quarantined", async () => {
    const who = await connect("ACME_RECORDS");
    const activities = [
      { id: `w-${randomUUID()}`, start: "2026-04-01T07:00:00.000000+00:00", end: "2026-04-01T08:00:00.000000+00:00" },
      { id: `w-${randomUUID()}`, start: "2026-04-01T09:00:00.000000+00:00" },
    ];
    const result = await processNotification(t.app.ctx, notification("ACME_RECORDS", who, "activities.created", { event: "activities.created", user_id: who.providerUserId, activities }));
    expect(result).toEqual({ action: "published", records: 1, quarantined: 1, payloads: 1 });
    const quarantined = await t.store.listQuarantine({ userId: who.userId });
    expect(quarantined.map((row) => (row.raw as { id: string }).id)).toEqual([activities[1]!.id]);
  });

  it("records: a push without records at the pointer is quarantined whole, not lost", async () => {
    const who = await connect("ACME_RECORDS");
    const result = await processNotification(t.app.ctx, notification("ACME_RECORDS", who, "activities.created", { event: "activities.created", user_id: who.providerUserId, activities: "none" }));
    expect(result).toEqual({ action: "published", records: 0, quarantined: 1, payloads: 0 });
  });

  it("deauth: the user is deauthorized as the API's deauth does it; a second notice changes nothing", async () => {
    const who = await connect("ACME_RECORDS");
    const deauth = notification("ACME_RECORDS", who, "user.deauthorized", { event: "user.deauthorized", user_id: who.providerUserId });
    expect(await processNotification(t.app.ctx, deauth)).toEqual({ action: "deauthorized", status: "deauthorized" });
    expect((await t.store.getConnection(who.userId))?.active).toBe(false);
    expect(await processNotification(t.app.ctx, deauth)).toMatchObject({ action: "skipped", reason: "connection inactive" });
  });

  it("ignore, and an event type the connector no longer handles: acknowledged, nothing done", async () => {
    const who = await connect("FITBIT");
    expect(await processNotification(t.app.ctx, notification("FITBIT", who, "foods", { collectionType: "foods", ownerId: who.providerUserId }))).toEqual({ action: "ignored" });
    expect(await processNotification(t.app.ctx, notification("POLAR", await connect("POLAR"), "SLEEP", { event: "SLEEP" }))).toMatchObject({ action: "skipped" });
  });
});
