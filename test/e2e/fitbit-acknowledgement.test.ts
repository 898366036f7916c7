import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMockFixtures, mockFromSpec, type MockProvider } from "@tributary/core/mock-provider";
import type { IngestJobData } from "@tributary/core/queue";
import { loadConnectorFile } from "@tributary/core/spec";
import { freePort } from "../kit/free-port.ts";
import { TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { startListeningApp, type ListeningApp } from "./listening-app.ts";

/**
 * Fitbit's notifications through the real webhook route, with the FITBIT connector as it ships: Fitbit
 * counts a notification delivered only when it is answered 204 No Content (a 200 is a failure to it, and
 * repeated failures disable the subscriber), so every accepted push — for a connected account or not —
 * is answered 204 with no body, and the mock, which judges answers as Fitbit does, counts it delivered.
 */
describe("FITBIT notifications are acknowledged 204 No Content by the real route", () => {
  const definition = loadConnectorFile(new URL("../../connectors/fitbit/", import.meta.url).pathname);
  const clientSecret = randomBytes(16).toString("hex");
  const owner = `FB${randomBytes(3).toString("hex").toUpperCase()}`;
  let app: ListeningApp;
  let mock: MockProvider;
  let hook: string;

  beforeAll(async () => {
    mock = mockFromSpec(definition.spec, await loadMockFixtures(join(definition.dir!, "fixtures"), definition.spec), { rateLimits: false });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    hook = `${url}/hooks/FITBIT`;
    const yaml = `
server: { publicUrl: "${url}", host: 127.0.0.1, port: ${port} }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/destination-webhook"]
api: { apiKeys: ["key-${randomBytes(12).toString("hex")}"], signingSecret: "${randomBytes(12).toString("hex")}" }
providers:
  FITBIT: { clientId: fitbit-client, clientSecret: "${clientSecret}", verifyToken: fitbit-verify }
destinations:
  - { name: hook, type: webhook, options: { url: "http://127.0.0.1:9/unused" } }
`;
    // No workers: what the route enqueues stays in the queue to be looked at.
    app = await startListeningApp({ yaml, definitions: [definition], prefix: "fitbit-ack", workers: false });
    await app.store.createConnection({ provider: "FITBIT", providerUserId: owner });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  const notifications = (collections: string[], ownerId = owner) =>
    collections.map((collectionType) => ({ collectionType, date: "2026-03-10", ownerId, ownerType: "user", subscriptionId: randomUUID() }));

  const enqueuedFor = async (ownerId: string) => {
    const jobs = await app.app.producer.ingest.getJobs(["waiting", "prioritized", "delayed"]);
    return jobs.flatMap((job) => (job.data as IngestJobData).notifications).filter((n) => n.providerUserId === ownerId);
  };

  it("a signed notification is answered 204 with no body, counted delivered by Fitbit, and queued", async () => {
    const answer = await mock.push(hook, notifications(["activities", "sleep"]), { secret: clientSecret });
    expect(answer.status, answer.body).toBe(204);
    expect(answer.body).toBe("");
    expect(answer.headers["content-type"]).toBeUndefined();
    expect(answer.delivered).toBe(true);
    expect((await enqueuedFor(owner)).map((n) => n.eventType).sort()).toEqual(["activities", "sleep"]);
  });

  it("a notification for an account nobody connected, or for a collection not read, is acknowledged the same way", async () => {
    const stranger = `FB${randomBytes(4).toString("hex").toUpperCase()}`;
    const unknown = await mock.push(hook, notifications(["body"], stranger), { secret: clientSecret });
    expect([unknown.status, unknown.body, unknown.delivered]).toEqual([204, "", true]);
    const ignored = await mock.push(hook, notifications(["activeZoneMinutes"]), { secret: clientSecret });
    expect([ignored.status, ignored.body, ignored.delivered]).toEqual([204, "", true]);
    expect(await enqueuedFor(stranger)).toEqual([]);
  });

  it("a forged notification is still refused 401, a failed delivery to Fitbit", async () => {
    const forged = await mock.push(hook, notifications(["foods"]), { secret: `${clientSecret}-not` });
    expect(forged.status).toBe(401);
    expect(forged.delivered).toBe(false);
  });
});
