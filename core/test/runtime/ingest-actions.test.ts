import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestNotification, PullJobData } from "../../src/queue/topology.ts";
import { processNotification } from "../../src/runtime/processors/ingest-processor.ts";
import { startSpecPushApp, type SpecPushApp } from "../http/spec-push-app.ts";
import { reply, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";

/** What each webhook event action makes the ingest worker do, on real Redis with the spec fixtures. */
describe("webhook event actions", () => {
  let t: SpecPushApp;
  let provider: MockProvider;
  beforeAll(async () => {
    // Oura's and Polar's API, as far as their pushes make us fetch: one sleep by id, one exercise by URL.
    provider = await startMockProvider((app) => {
      app.get("/v2/usercollection/sleep/:id", (request, response) => reply(response, 200, { id: (request.params as { id: string }).id, day: "2026-04-01" }));
      app.get("/v3/exercises/:id", (request, response) => reply(response, 200, { id: (request.params as { id: string }).id }));
      app.get("/acme/workouts/:id", (request, response) =>
        reply(response, 200, {
          workout_id: (request.params as { id: string }).id,
          start: "2026-04-01T09:00:00.000000+02:00",
          end: "2026-04-01T10:00:00.000000+02:00",
        }),
      );
    });
    t = await startSpecPushApp({ baseUrls: { OURA: provider.url, POLAR: provider.url, ACME_OBJECTS: provider.url } });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });

  const connect = async (provider: string) => {
    const providerUserId = `u-${randomUUID()}`;
    const tokens = { auth_type: "oauth2", access_token: `token-${providerUserId}`, expires_at: Date.now() + 3_600_000, obtained_at: Date.now() };
    const { user_id } = await t.store.createConnection({ provider, providerUserId, tokens });
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

  it("pull_window with a date (Fitbit): a live pull of that day in any time zone, one per data type the collection feeds", async () => {
    const who = await connect("FITBIT");
    const result = await processNotification(
      t.app.ctx,
      notification("FITBIT", who, "activities", { collectionType: "activities", date: "2026-04-01", ownerId: who.providerUserId }),
    );
    expect(result).toEqual({
      action: "pull",
      pullJobIds: [expect.any(String), expect.any(String)],
      start: "2026-03-31T10:00:00.000Z",
      end: "2026-04-02T14:00:00.000Z",
    });
    if (result.action !== "pull") return;
    const jobs = await Promise.all(result.pullJobIds.map(pullJob));
    expect(jobs.map((job) => job?.dataType)).toEqual(["activity", "daily"]);
    for (const job of jobs) expect(job).toMatchObject({ userId: who.userId, provider: "FITBIT", reason: "ping", start: result.start, end: result.end });
    // The same notification again (a provider retry) adds no pull.
    const again = await processNotification(
      t.app.ctx,
      notification("FITBIT", who, "activities", { collectionType: "activities", date: "2026-04-01", ownerId: who.providerUserId }),
    );
    expect(again).toMatchObject({ pullJobIds: result.pullJobIds });
  });

  it("pull_window with start and end from a form body (Withings): unix seconds as text", async () => {
    const who = await connect("WITHINGS");
    const result = await processNotification(
      t.app.ctx,
      notification("WITHINGS", who, "1", { userid: who.providerUserId, appli: "1", startdate: "1775000000", enddate: "1775003600" }),
    );
    expect(result).toMatchObject({ action: "pull", start: new Date(1775000000_000).toISOString(), end: new Date(1775003600_000).toISOString() });
  });

  it("records: the records the push carries go through the connector's mapping; invalid ones are quarantined", async () => {
    const who = await connect("ACME_RECORDS");
    const activities = [
      { id: `w-${randomUUID()}`, start: "2026-04-01T07:00:00.000000+00:00", end: "2026-04-01T08:00:00.000000+00:00" },
      { id: `w-${randomUUID()}`, start: "2026-04-01T09:00:00.000000+00:00" },
    ];
    const result = await processNotification(
      t.app.ctx,
      notification("ACME_RECORDS", who, "activities.created", { event: "activities.created", user_id: who.providerUserId, activities }),
    );
    expect(result).toEqual({ action: "published", records: 1, quarantined: 1, payloads: 1 });
    const quarantined = await t.store.listQuarantine({ userId: who.userId });
    expect(quarantined.map((row) => (row.raw as { id: string }).id)).toEqual([activities[1]!.id]);
  });

  it("records: a push without records at the pointer is quarantined whole, not lost", async () => {
    const who = await connect("ACME_RECORDS");
    const result = await processNotification(
      t.app.ctx,
      notification("ACME_RECORDS", who, "activities.created", { event: "activities.created", user_id: who.providerUserId, activities: "none" }),
    );
    expect(result).toEqual({ action: "published", records: 0, quarantined: 1, payloads: 0 });
  });

  it("deauth: the user is deauthorized as the API's deauth does it; a second notice changes nothing", async () => {
    const who = await connect("ACME_RECORDS");
    const deauth = notification("ACME_RECORDS", who, "user.deauthorized", { event: "user.deauthorized", user_id: who.providerUserId });
    expect(await processNotification(t.app.ctx, deauth)).toEqual({ action: "deauthorized", status: "deauthorized" });
    expect((await t.store.getConnection(who.userId))?.active).toBe(false);
    expect(await processNotification(t.app.ctx, deauth)).toMatchObject({ action: "skipped", reason: "connection inactive" });
  });

  it("pull_object (Oura): the object is fetched by id with the user's token, mapped with its stream's mapping", async () => {
    const who = await connect("OURA");
    const id = randomUUID();
    const result = await processNotification(
      t.app.ctx,
      notification("OURA", who, "sleep.create", { event_type: "create", data_type: "sleep", object_id: id, user_id: who.providerUserId }),
    );
    expect(result).toMatchObject({ action: "published" });
    expect(provider.requests.find((r) => r.path === `/v2/usercollection/sleep/${id}`)?.headers.authorization).toBe(`Bearer token-${who.providerUserId}`);
  });

  it("pull_object: the fetched object goes through its stream's transform hook before mapping; one the hook refuses is quarantined", async () => {
    const providerUserId = `u-${randomUUID()}`;
    const tokens = { auth_type: "bearer_token", access_token: `token-${providerUserId}`, obtained_at: Date.now() };
    const { user_id: userId } = await t.store.createConnection({ provider: "ACME_OBJECTS", providerUserId, tokens });
    const who = { userId, providerUserId };
    const push = (workoutId: string) =>
      notification("ACME_OBJECTS", who, "workout.created", { event: "workout.created", user_id: providerUserId, workout_id: workoutId });
    // The provider's object has no `id`: only the transform gives the mapping its summary_id.
    expect(await processNotification(t.app.ctx, push("w-1"))).toEqual({ action: "published", records: 1, quarantined: 0, payloads: 1 });
    expect(await processNotification(t.app.ctx, push("unreadable"))).toEqual({ action: "published", records: 0, quarantined: 1, payloads: 0 });
    const [quarantined] = await t.store.listQuarantine({ userId });
    expect(quarantined?.raw).toMatchObject({ workout_id: "unreadable" });
    expect(quarantined?.issues).toEqual([expect.objectContaining({ rule: "transform", message: expect.stringContaining("this workout cannot be read") })]);
    // The stream's timezone learned from the fetched object, as a read of the stream would (the one the
    // transform refused included: what it says of the member's zone is true all the same).
    expect(await t.store.getCursor(userId, "timezone")).toMatchObject({ v: 1, zone: "+02:00", days: { "2026-04-01": [7200, 9 * 60] } });
  });

  it("pull_url (Polar): the URL on the provider's origin is fetched with the user's token; one elsewhere is refused, nothing sent", async () => {
    const who = await connect("POLAR");
    const id = randomUUID();
    const result = await processNotification(
      t.app.ctx,
      notification("POLAR", who, "EXERCISE", { event: "EXERCISE", user_id: who.providerUserId, url: `${provider.url}/v3/exercises/${id}` }),
    );
    expect(result).toMatchObject({ action: "published" });
    expect(provider.requests.find((r) => r.path === `/v3/exercises/${id}`)?.headers.authorization).toBe(`Bearer token-${who.providerUserId}`);
    const sent = provider.requests.length;
    await expect(
      processNotification(t.app.ctx, notification("POLAR", who, "EXERCISE", { event: "EXERCISE", url: "http://169.254.169.254/latest" })),
    ).rejects.toMatchObject({ code: "ERR_PROVIDER_URL_REFUSED", errorClass: "user" });
    expect(provider.requests.length).toBe(sent);
  });

  it("ignore, and an event type the connector no longer handles: acknowledged, nothing done", async () => {
    const who = await connect("FITBIT");
    expect(await processNotification(t.app.ctx, notification("FITBIT", who, "foods", { collectionType: "foods", ownerId: who.providerUserId }))).toEqual({
      action: "ignored",
    });
    expect(await processNotification(t.app.ctx, notification("POLAR", await connect("POLAR"), "SLEEP", { event: "SLEEP" }))).toMatchObject({
      action: "skipped",
    });
  });
});
