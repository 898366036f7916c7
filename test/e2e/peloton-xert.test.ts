import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "@tributary/core/app";
import { loadConfigWithPlugins } from "@tributary/core/config";
import { silentLogger } from "@tributary/core/log";
import { loadMockFixtures, mockFromSpec, type MockProvider, type SpecFixtures } from "@tributary/core/mock-provider";
import { createPluginRegistry } from "@tributary/core/registry";
import { loadConnectorFile } from "@tributary/core/spec";
import type { StateStore } from "@tributary/core/state";
import { submitConsent } from "@tributary/test-kit/mock-provider";
import { freePort } from "../kit/free-port.ts";
import { memoryStateStore, TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { until } from "../kit/until.ts";
import { startRecordingReceiver, type RecordingReceiver } from "./recording-receiver.ts";
import { formBrowser } from "./form-browser.ts";

const RILEY = "19b4722da494c08b0b0c130cd89ab344";
const SAM = "91c14d3cd8f128b4f55f792023cbef6d";
const CYCLING = "5fca3563974aad11404a7e8b52fa3e64";
const SAM_RIDE = "5d2c8c7240e664fd341fd0af0b0a7b2c";
const XERT_GPS_RIDE = "dc5670e06814de2c";

/** Before the earliest Peloton workout and Xert activity of the fixtures (2026-02-20). */
const FIXTURES_START = "2026-02-01";
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

/**
 * PELOTON and XERT end to end, each against its mock, through a listening Tributary on real Redis with
 * the widget's HTTP flows: connect, backfill through the pipeline to a signed webhook, a scheduled poll,
 * refresh-token rotation, and the access a provider takes back.
 */
describe("PELOTON and XERT through the widget and the pipeline", () => {
  let app: App;
  let store: StateStore;
  let url: string;
  let dir: string;
  let receiver: RecordingReceiver;
  let devId: string;
  let apiKey: string;
  const mocks: Record<"peloton" | "xert", MockProvider> = {} as never;
  let pelotonFixtures: SpecFixtures;

  beforeAll(async () => {
    const peloton = loadConnectorFile(new URL("../../connectors/peloton/", import.meta.url).pathname);
    const xert = loadConnectorFile(new URL("../../connectors/xert/", import.meta.url).pathname);
    pelotonFixtures = await loadMockFixtures(join(peloton.dir!, "fixtures"), peloton.spec);
    mocks.peloton = mockFromSpec(peloton.spec, pelotonFixtures, { errors: "peloton" });
    mocks.xert = mockFromSpec(xert.spec, await loadMockFixtures(join(xert.dir!, "fixtures"), xert.spec));
    await Promise.all([mocks.peloton.listen(), mocks.xert.listen()]);
    const signingSecret = randomBytes(12).toString("hex");
    receiver = await startRecordingReceiver({ signingSecret });
    devId = `dev-${randomUUID().slice(0, 8)}`;
    apiKey = `key-${randomBytes(16).toString("hex")}`;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    dir = await mkdtemp(join(tmpdir(), "tributary-peloton-xert-"));
    const p = mocks.peloton.urls();
    const x = mocks.xert.urls();
    // The fixtures are March 2026's: the backfill reaches back to them, however long ago that is by now.
    const backfillDays = Math.ceil((Date.now() - Date.parse(FIXTURES_START)) / 86_400_000) + 30;
    const yaml = `
server: { publicUrl: "${url}", host: 127.0.0.1, port: ${port} }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/destination-webhook"]
api: { devId: ${devId}, apiKeys: ["${apiKey}"], signingSecret: "${signingSecret}" }
providers:
  PELOTON: { clientId: mock-client-id, clientSecret: mock-client-secret, baseUrl: "${p.baseUrl}", authorizeUrl: "${p.authorizeUrl}", tokenUrl: "${p.tokenUrl}", backfillDays: ${backfillDays} }
  XERT: { baseUrl: "${x.baseUrl}", tokenUrl: "${x.tokenUrl}", backfillDays: ${backfillDays} }
delivery: { attempts: 2, backoffSeconds: 1 }
destinations:
  - { name: hook, type: webhook, options: { url: "${receiver.url}" } }
`;
    const path = join(dir, "tributary.yaml");
    await writeFile(path, yaml);
    const { config, registry } = await loadConfigWithPlugins({ path, env: {}, cwd: dir, registry: createPluginRegistry([peloton, xert]) });
    store = await memoryStateStore();
    app = await buildApp({ config, registry, log: silentLogger(), prefix: `test-px-${randomUUID().slice(0, 12)}`, store });
    app.startWorkers();
    if (!(await app.producer.whenReady(10_000))) throw new Error(`Redis at ${TEST_REDIS_URL} is not reachable`);
    await app.startHttp();
  }, 60_000);

  afterAll(async () => {
    await Promise.all((app?.ctx.queues.all() ?? []).map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
    await app?.close();
    await store?.db.close();
    await Promise.all([receiver?.close(), mocks.peloton?.close(), mocks.xert?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const payloads = (type: string, userId: string) =>
    receiver.arrivals.map((arrival) => arrival.payload as any).filter((payload) => payload.type === type && payload.user?.user_id === userId);
  const activities = (userId: string) => payloads("activity", userId).flatMap((payload) => payload.data as any[]);
  const activity = (userId: string, summaryId: string) => activities(userId).find((record) => record.metadata.summary_id === summaryId);

  const widgetSession = async (referenceId: string): Promise<string> => {
    const response = await fetch(`${url}/v2/auth/generateWidgetSession`, {
      method: "POST",
      headers: { "dev-id": devId, "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ reference_id: referenceId, providers: "PELOTON,XERT" }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { url: string }).url;
  };

  /**
   * One scheduler tick of the provider's poll, as the job scheduler enqueues it; the per-user pulls it
   * spreads over the provider's jitter (up to 15 minutes for Peloton) are then started at once.
   */
  const pollTick = async (provider: string) => {
    // Pull job ids carry the tick's bucket (here one second): a tick in the same second as the previous
    // one would enqueue nothing new, as it should; the tests mean a later tick.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const tick = await app.ctx.queues.pull.add(
      `poll:${provider}`,
      { kind: "poll-all", provider, reason: "poll", lookbackDays: 3, bucketSeconds: 1 },
      { jobId: `tick-${provider}-${randomUUID()}` },
    );
    await until("the tick's pulls", async () => ((await tick.getState()) === "completed" ? true : undefined), 60_000);
    for (const job of await app.ctx.queues.pull.getJobs(["delayed"])) if (job.data.provider === provider) await job.promote();
  };

  /** Arrived, or the failed pulls' reasons as the timeout's message. */
  const arrived = async (found: unknown) => {
    if (found) return true;
    const failed = await app.ctx.queues.pull.getJobs(["failed"]);
    throw new Error(failed.map((job) => `${job.name}: ${job.failedReason}`).join("; ") || "no failed pull");
  };

  let riley: string;

  it("connects a Peloton member through Auth0's consent with PKCE, and backfills their workouts to the webhook", { timeout: 120_000 }, async () => {
    const widget = await widgetSession("ref-riley");
    const b = formBrowser();
    const page = await (await b.get(widget)).text();
    // Peloton's main button, and its pasted-token fallback under it; Xert's password form without a partner client's redirect.
    expect(page).toContain(`name="provider" value="PELOTON"><input type="hidden" name="method" value="token">`);
    expect(page).not.toContain(`name="provider" value="XERT"><input type="hidden" name="method"`);
    const start = await b.post(`${widget}/start`, { csrf: csrfOf(page), provider: "PELOTON" });
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("scope")).toBe("offline_access openid peloton-api.members:default");
    const consent = await submitConsent(authorize.href, "approve", { username: "riley@example.com", password: "peloton-riley" });
    const callback = await b.get(consent.location!);
    expect(callback.status).toBe(303);
    const landed = new URL(callback.headers.get("location")!);
    expect(landed.searchParams.get("status")).toBe("success");
    riley = landed.searchParams.get("user_id")!;
    expect(await store.getConnection(riley)).toMatchObject({ provider: "PELOTON", provider_user_id: RILEY, reference_id: "ref-riley" });
    expect(await store.getTokens(riley)).toMatchObject({ auth_type: "oauth2", refresh_token: expect.any(String) });

    await until("Riley's backfill", async () => (activity(riley, CYCLING) ? true : undefined), 90_000);
    const ride = activity(riley, CYCLING);
    expect(ride.metadata).toMatchObject({ summary_id: CYCLING, start_time: "2026-03-03T12:46:42.000000-05:00" });
    expect(ride.distance_data.summary).toEqual({ distance_meters: 12826.5 });
    expect(payloads("auth", riley)).toHaveLength(1);
  });

  it("connects a Xert user through the credentials form (password grant with xert_public) and backfills their rides", { timeout: 120_000 }, async () => {
    const widget = await widgetSession("ref-jordan");
    const b = formBrowser();
    const page = await (await b.get(widget)).text();
    const start = await b.post(`${widget}/start`, { csrf: csrfOf(page), provider: "XERT" });
    const formUrl = new URL(start.headers.get("location")!, url).href;
    const form = await (await b.get(formUrl)).text();
    expect(form).toContain('name="password"');
    const submitted = await b.post(formUrl, { csrf: csrfOf(form), username: "jordan.rivers", password: "xert-jordan" });
    expect(submitted.status).toBe(303);
    const jordan = new URL(submitted.headers.get("location")!).searchParams.get("user_id")!;
    expect(await store.getConnection(jordan)).toMatchObject({ provider: "XERT", provider_user_id: "jordan.rivers" });
    await until("Jordan's backfill", async () => arrived(activity(jordan, XERT_GPS_RIDE)), 90_000);
    const ride = activity(jordan, XERT_GPS_RIDE);
    expect(ride.metadata.start_time).toBe("2026-03-02T06:10:00.000000+00:00");
    expect(ride.distance_data.summary).toEqual({ distance_meters: 5400, elevation: { gain_actual_meters: 30, max_meters: 129.9, min_meters: 100 } });
  });

  it("a scheduled poll picks up a new workout; an expired access token is refreshed and the rotated refresh token stored", { timeout: 120_000 }, async () => {
    const workouts = pelotonFixtures.streams!.workouts!;
    const records = workouts.records as Record<string, Record<string, unknown>[]>;
    const template = records[RILEY]!.find((record) => record.id === CYCLING)!;
    // The cycling class again, finished since the last poll (the backfill's): every time moved by as much.
    const shift = Math.floor(Date.now() / 1000) - Number(template.created_at);
    const moved = (key: string) => (typeof template[key] === "number" ? { [key]: (template[key] as number) + shift } : {});
    const fresh = {
      ...template,
      ...moved("start_time"),
      ...moved("end_time"),
      id: "e2e0000000000000000000000000cafe",
      created_at: Number(template.created_at) + shift,
    };
    records[RILEY]!.unshift(fresh);
    // The new workout's details are the cycling class's.
    for (const [name, answer] of Object.entries(workouts.details!)) {
      workouts.details![name] = (record: any, user) => answer(record.id === fresh.id ? { ...record, id: CYCLING } : record, user);
    }
    const before = await store.getTokens(riley);
    mocks.peloton.oauth!.tokens.expireAccessTokens();

    await pollTick("PELOTON");
    await until("the new workout", async () => arrived(activity(riley, fresh.id)), 90_000);
    const after = await store.getTokens(riley);
    expect(after?.refresh_token).toEqual(expect.any(String));
    expect(after?.refresh_token).not.toBe(before?.refresh_token);
    expect(after?.access_token).not.toBe(before?.access_token);
  });

  it("a member who withdraws access: the refresh is refused, the connection is marked revoked and access_revoked sent", { timeout: 120_000 }, async () => {
    mocks.peloton.oauth!.tokens.revokeUser(RILEY);
    await pollTick("PELOTON");
    await until("access_revoked", async () => arrived(payloads("access_revoked", riley).length > 0), 90_000);
    expect((await store.getConnection(riley))?.auth_status).toBe("revoked");
    // As Terra sends it: a warning, and the user no longer active (no more data comes).
    expect(payloads("access_revoked", riley)[0]).toMatchObject({ status: "warning", message: "User revoked access", user: { user_id: riley, active: false } });
  });

  it("a Peloton member connects with a pasted token instead; once Peloton stops taking it, nothing is refreshed and the connection is lost", {
    timeout: 120_000,
  }, async () => {
    const widget = await widgetSession("ref-sam");
    const b = formBrowser();
    const page = await (await b.get(widget)).text();
    const start = await b.post(`${widget}/start`, { csrf: csrfOf(page), provider: "PELOTON", method: "token" });
    expect(start.status).toBe(303);
    const formUrl = new URL(start.headers.get("location")!, url).href;
    const form = await (await b.get(formUrl)).text();
    expect(form).toContain('name="token"');
    expect(form).toContain("members.onepeloton.com");
    const submitted = await b.post(formUrl, { csrf: csrfOf(form), token: "pasted-sam-token" });
    expect(submitted.status).toBe(303);
    const sam = new URL(submitted.headers.get("location")!).searchParams.get("user_id")!;
    expect(await store.getConnection(sam)).toMatchObject({ provider: "PELOTON", provider_user_id: SAM });
    expect(await store.getTokens(sam)).toMatchObject({ auth_type: "bearer_token", access_token: "pasted-sam-token" });
    await until("Sam's backfill", async () => (activity(sam, SAM_RIDE) ? true : undefined), 90_000);

    const refreshesBefore = mocks.peloton.oauth!.tokens.events?.length;
    pelotonFixtures.users.find((user) => String(user.id) === SAM)!.token = "a-token-peloton-issued-later";
    await pollTick("PELOTON");
    await until("access lost", async () => arrived(payloads("connection_error", sam).length + payloads("access_revoked", sam).length > 0), 90_000);
    expect((await store.getConnection(sam))?.auth_status).toBe("revoked");
    expect(mocks.peloton.oauth!.tokens.events?.length).toBe(refreshesBefore);
  });
});
