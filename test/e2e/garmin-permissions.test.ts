import { randomBytes, randomUUID } from "node:crypto";
import { verifyTerraWebhookSignature } from "terra-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForIdle } from "@tributary/core/runtime";
import type { MockProvider } from "@tributary/core/mock-provider";
import { validatePayload } from "@tributary/schemas";
import { startMockProvider, submitConsent } from "@tributary/test-kit/mock-provider";
import { garmin, garminFixtures, NOOR } from "../../connectors/garmin/test/garmin.ts";
import { freePort } from "../kit/free-port.ts";
import { TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { until } from "../kit/until.ts";
import { startListeningApp, type ListeningApp } from "./listening-app.ts";
import { startRecordingReceiver, type RecordingReceiver } from "./recording-receiver.ts";
import { v2Client, type V2Call } from "./v2-client.ts";

const TERRA_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

/**
 * Garmin's userPermissionsChange push, from Tributary's door (`POST /hooks/GARMIN`) to the developer's
 * webhook: the connection's scopes are replaced and `permission_change` arrives in Terra's shape, signed as
 * Terra signs; a push saying nothing new — sent again, or older than the change stored — sends nothing; a
 * push whose permissions are not a list is refused as any unreadable notification is; one for an account
 * nobody connected is acknowledged; later payloads carry the new scopes. A member connected through
 * Garmin's consent (its mock) has the permissions Garmin's /user/permissions answers as scopes from the
 * start, so their first change reports only what changed.
 */
describe("GARMIN: a member changes what they share", () => {
  const signingSecret = randomBytes(12).toString("hex");
  let receiver: RecordingReceiver;
  let listening: ListeningApp;
  let hook: string;
  let mock: MockProvider;
  let v2: V2Call;
  let userId: string;
  const garminUser = randomBytes(16).toString("hex");
  const changedAt = Math.floor(Date.now() / 1000) - 3600;

  beforeAll(async () => {
    receiver = await startRecordingReceiver({ signingSecret });
    mock = await startMockProvider(garmin().spec, await garminFixtures(), { autoClose: false, rateLimits: false });
    const m = mock.urls();
    const apiKey = `key-${randomBytes(16).toString("hex")}`;
    const port = await freePort();
    listening = await startListeningApp({
      prefix: "garmin-permissions",
      definitions: [garmin()],
      yaml: `
server: { publicUrl: "http://127.0.0.1:${port}", host: 127.0.0.1, port: ${port} }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/destination-webhook"]
api: { apiKeys: ["${apiKey}"], signingSecret: "${signingSecret}" }
providers:
  GARMIN: { clientId: mock-client-id, clientSecret: mock-client-secret, baseUrl: "${m.baseUrl}", authorizeUrl: "${m.authorizeUrl}", tokenUrl: "${m.tokenUrl}" }
delivery: { attempts: 2, backoffSeconds: 1 }
destinations:
  - { name: app, type: webhook, options: { url: "${receiver.url}" } }
`,
    });
    hook = `http://127.0.0.1:${port}/hooks/GARMIN`;
    v2 = v2Client(`http://127.0.0.1:${port}`, { devId: "tributary", apiKey });
    // Connected sharing both, as Garmin's consent let the member choose.
    const connection = await listening.store.createConnection({
      provider: "GARMIN",
      providerUserId: garminUser,
      referenceId: `member-${randomUUID().slice(0, 8)}`,
      scopes: ["ACTIVITY_EXPORT", "HEALTH_EXPORT"],
      tokens: { auth_type: "oauth2", access_token: "t", expires_at: Date.now() + 3_600_000, obtained_at: Date.now() },
    });
    userId = connection.user_id;
  }, 60_000);

  afterAll(async () => {
    await listening?.close();
    await receiver?.close();
    await mock?.close();
  });

  const push = async (body: unknown, spacing?: number) => {
    const response = await fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body, null, spacing) });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
  };
  const change = (permissions: unknown, at = changedAt, user = garminUser) => ({
    userPermissionsChange: [{ userId: user, permissions, changeTimeInSeconds: at }],
  });
  const idle = () => waitForIdle(listening.app.ctx.queues, { timeoutMs: 60_000 });
  const events = () => receiver.arrivals.filter((arrival) => arrival.payload.type === "permission_change");

  it("delivers permission_change exactly as Terra sends it, signed with the developer's secret; the scopes are stored", async () => {
    expect(await push(change(["ACTIVITY_EXPORT"]))).toMatchObject({ status: 200, body: { status: "accepted", notifications: 1 } });
    const [arrival] = await until("permission_change", async () => (events().length > 0 ? events() : undefined));
    const header = arrival!.headers["terra-signature"] as string;
    await expect(verifyTerraWebhookSignature(arrival!.raw.toString("utf8"), header, signingSecret)).resolves.toBe(true);
    expect(arrival!.headers["x-terra-signature"]).toBe(header);
    const event = arrival!.payload as Record<string, any>;
    expect(Object.keys(event).sort()).toEqual(["message", "scopes_added", "scopes_removed", "status", "type", "user", "version"]);
    expect(event).toMatchObject({
      type: "permission_change",
      status: "warning",
      message: "User permissions have been modified",
      version: "2022-03-16",
      scopes_added: "",
      scopes_removed: "HEALTH_EXPORT",
    });
    expect(Object.keys(event.user).sort()).toEqual(["active", "created_at", "last_webhook_update", "provider", "reference_id", "scopes", "user_id"]);
    expect(event.user).toMatchObject({ user_id: userId, provider: "GARMIN", scopes: "ACTIVITY_EXPORT", active: true });
    expect(event.user.created_at).toMatch(TERRA_UTC);
    // Valid against Terra's PermissionChangeEvent, as the schema package holds it.
    const validated = validatePayload(event, "PermissionChangeEvent");
    expect(validated.ok ? [] : validated.issues).toEqual([]);
    expect(validated.schemaName).toBe("PermissionChangeEvent");
    expect((await listening.store.getConnection(userId))!.scopes).toBe("ACTIVITY_EXPORT");
  });

  it("sends nothing for a push that says nothing new: the same change again, the same permissions later, an older change", async () => {
    // The same body is a replay the door refuses; spelled differently (a retry past the replay window) it is read, and changes nothing.
    expect((await push(change(["ACTIVITY_EXPORT"]))).status).toBe(401);
    expect((await push(change(["ACTIVITY_EXPORT"]), 2)).status).toBe(200);
    expect((await push(change(["ACTIVITY_EXPORT"], changedAt + 60))).status).toBe(200);
    // An older change arriving late (a retry) does not bring HEALTH_EXPORT back.
    expect((await push(change(["ACTIVITY_EXPORT", "HEALTH_EXPORT"], changedAt - 60))).status).toBe(200);
    await idle();
    expect(events()).toHaveLength(1);
    expect((await listening.store.getConnection(userId))!.scopes).toBe("ACTIVITY_EXPORT");
  });

  it("refuses permissions that are not a list, as any notification it cannot read; acknowledges an account nobody connected", async () => {
    for (const permissions of ["ACTIVITY_EXPORT", { ACTIVITY_EXPORT: true }, null, ["ACTIVITY_EXPORT,HEALTH_EXPORT"]]) {
      const answer = await push(change(permissions, changedAt + 120));
      expect(answer.status, JSON.stringify(permissions)).toBe(400);
    }
    // Beside a readable notification, the unreadable one is left out and counted.
    const mixed = await push({
      userPermissionsChange: [
        { userId: garminUser, permissions: "HEALTH_EXPORT", changeTimeInSeconds: changedAt + 180 },
        { userId: randomBytes(16).toString("hex"), permissions: ["HEALTH_EXPORT"], changeTimeInSeconds: changedAt + 180 },
      ],
    });
    expect(mixed).toMatchObject({ status: 200, body: { status: "accepted", refused: 1, skipped: 1 } });
    await idle();
    expect(events()).toHaveLength(1);
    expect((await listening.store.getConnection(userId))!.scopes).toBe("ACTIVITY_EXPORT");
  });

  it("a later change is told again, and the data payloads that follow carry the member's scopes", async () => {
    expect((await push(change(["HEALTH_EXPORT", "ACTIVITY_EXPORT"], changedAt + 300))).status).toBe(200);
    const second = await until("the second permission_change", async () => events()[1]);
    expect(second.payload).toMatchObject({ scopes_added: "HEALTH_EXPORT", scopes_removed: "", user: { scopes: "HEALTH_EXPORT,ACTIVITY_EXPORT" } });
    const summaryId = `x-${randomUUID()}`;
    const daily = {
      dailies: [
        {
          userId: garminUser,
          summaryId,
          calendarDate: "2026-03-09",
          startTimeInSeconds: 1773010800,
          startTimeOffsetInSeconds: 3600,
          durationInSeconds: 86400,
          steps: 10,
        },
      ],
    };
    expect((await push(daily)).status).toBe(200);
    const delivered = await until("the daily", async () => receiver.arrivals.find((arrival) => arrival.payload.type === "daily"));
    expect((delivered.payload as unknown as { user: { scopes: string } }).user.scopes).toBe("HEALTH_EXPORT,ACTIVITY_EXPORT");
  });

  it("a member connected through Garmin's consent has Garmin's permissions as scopes; removing one reports exactly that one", async () => {
    const referenceId = `noor-${randomUUID().slice(0, 8)}`;
    const started = await v2("POST", "/auth/authenticateUser?resource=GARMIN", { reference_id: referenceId });
    expect(started.status).toBe(200);
    const consent = await submitConsent(started.body.auth_url, "approve", { username: "noor@example.com", password: "garmin-noor" });
    const callback = await fetch(consent.location!, { redirect: "manual" });
    expect(callback.status).toBe(303);
    const connected = started.body.user_id as string;
    // What Noor shares, as /user/permissions answers it: the token answer names no scopes.
    expect(mock.requests.filter((request) => request.path.endsWith("/user/permissions"))).toHaveLength(1);
    expect(await listening.store.getConnection(connected)).toMatchObject({ provider_user_id: NOOR, scopes: "ACTIVITY_EXPORT,HEALTH_EXPORT" });
    const auth = await until("the auth event", async () =>
      receiver.arrivals.find((arrival) => arrival.payload.type === "auth" && (arrival.payload as Record<string, any>).user?.user_id === connected),
    );
    expect(auth.payload).toMatchObject({ status: "success", user: { scopes: "ACTIVITY_EXPORT,HEALTH_EXPORT", reference_id: referenceId } });

    expect((await push(change(["ACTIVITY_EXPORT"], changedAt, NOOR))).status).toBe(200);
    const event = await until("Noor's permission_change", async () =>
      events().find((arrival) => (arrival.payload as Record<string, any>).user?.user_id === connected),
    );
    expect(event.payload).toMatchObject({ scopes_added: "", scopes_removed: "HEALTH_EXPORT", user: { scopes: "ACTIVITY_EXPORT" } });
    expect((await listening.store.getConnection(connected))!.scopes).toBe("ACTIVITY_EXPORT");
  });
});
