import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp, type App } from "@tributary/core/app";
import { loadConfigWithPlugins } from "@tributary/core/config";
import { silentLogger } from "@tributary/core/log";
import { loadMockFixtures, mockFromSpec, type MockProvider } from "@tributary/core/mock-provider";
import { createPluginRegistry } from "@tributary/core/registry";
import { loadConnectorFile } from "@tributary/core/spec";
import { submitConsent } from "@tributary/test-kit/mock-provider";
import { freePort } from "../kit/free-port.ts";
import { memoryStateStore, TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { until } from "../kit/until.ts";
import { startRecordingReceiver, type RecordingReceiver } from "./recording-receiver.ts";

/** One push provider's run: who connects, what a data request returns, which example push delivers what. */
interface ProviderCase {
  name: "STRAVA" | "FITBIT" | "OURA" | "WHOOP";
  login: { username: string; password: string };
  providerUserId: string;
  /** Extra providers.<NAME> settings. */
  settings: string;
  request: { dataType: string; start: string; end: string; expect: (data: any[]) => void };
  push: { example: number; dataType: string; expect: (data: any[]) => boolean; hexCase?: "upper" };
  /** The same push made unacceptable: another secret, or (Strava, which signs nothing) another subscription. */
  forge: { secret?: string; body?: (body: any) => unknown };
}

const CASES: ProviderCase[] = [
  {
    name: "STRAVA",
    login: { username: "maya@example.com", password: "strava-maya" },
    providerUserId: "48213377",
    settings: `verifyToken: strava-verify, options: { subscription_id: "281034" }`,
    request: { dataType: "activity", start: "2026-03-03", end: "2026-03-04", expect: (data) => expect(data.map((a) => a.metadata.summary_id)).toEqual(["17001000001"]) },
    push: { example: 1, dataType: "activity", expect: (data) => data.some((a) => a.metadata.summary_id === "17001000002" && a.heart_rate_data.detailed.hr_samples.length === 240) },
    forge: { body: (body) => ({ ...body, subscription_id: 999 }) },
  },
  {
    name: "FITBIT",
    login: { username: "lena@example.com", password: "fitbit-lena" },
    providerUserId: "GGNJL9",
    settings: `verifyToken: fitbit-verify`,
    request: { dataType: "sleep", start: "2026-03-09", end: "2026-03-11", expect: (data) => expect(data.map((s) => s.metadata.start_time)).toContain("2026-03-09T23:21:30.000000+01:00") },
    push: { example: 0, dataType: "daily", expect: (data) => data.some((d) => d.metadata.start_time === "2026-03-10T00:00:00.000000+01:00" && d.distance_data.steps === 8500) },
    forge: { secret: "not-the-client-secret" },
  },
  {
    name: "OURA",
    login: { username: "noor@example.com", password: "oura-noor" },
    providerUserId: "2c9f6a1e-oura-0001",
    settings: `verifyToken: oura-verify`,
    request: { dataType: "activity", start: "2026-03-12", end: "2026-03-13", expect: (data) => expect(data.map((a) => a.heart_rate_data.summary.avg_hr_bpm)).toEqual([129.5]) },
    push: { example: 0, dataType: "sleep", hexCase: "upper", expect: (data) => data.some((s) => s.metadata.summary_id === "5b0c2f7e-9d5a-4c1f-8f0e-6a1b7c3d9e21") },
    forge: { secret: "not-the-client-secret" },
  },
  {
    name: "WHOOP",
    login: { username: "jonas@example.com", password: "whoop-jonas" },
    providerUserId: "10129",
    settings: ``,
    request: { dataType: "activity", start: "2026-03-11", end: "2026-03-12", expect: (data) => expect(data.map((a) => a.calories_data.total_burned_calories)).toEqual([375.1]) },
    push: { example: 0, dataType: "sleep", expect: (data) => data.some((s) => s.metadata.summary_id === "ecfc6a15-4661-442f-a9a4-f160dd7afae8") },
    forge: { secret: "not-the-client-secret" },
  },
];

const CLIENT = { id: "mock-client-id", secret: "mock-client-secret" };

/**
 * Each push provider end to end against its mock: a user connects through the connect flow (consent,
 * callback, tokens stored, the provider's user id), a data request reads and maps through the runtime,
 * the provider's handshake is answered, a push signed the provider's way is accepted and what it names reaches the developer's webhook, and
 * the same push forged is refused.
 */
describe("push providers end to end", () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it.each(CASES)("$name: connect, request data, a signed push delivers, a forged one is refused", async (c) => {
    const definition = loadConnectorFile(new URL(`../../connectors/${c.name.toLowerCase()}/`, import.meta.url));
    const fixtures = await loadMockFixtures(join(definition.dir!, "fixtures"), definition.spec);
    const mock: MockProvider = mockFromSpec(definition.spec, fixtures, { rateLimits: false });
    await mock.listen();
    const signingSecret = randomBytes(12).toString("hex");
    const receiver: RecordingReceiver = await startRecordingReceiver({ signingSecret });
    const dev = { devId: `dev-${randomUUID().slice(0, 8)}`, apiKey: `key-${randomBytes(16).toString("hex")}` };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dir = await mkdtemp(join(tmpdir(), "tributary-push-"));
    const m = mock.urls();
    await writeFile(join(dir, "tributary.yaml"), `
server: { publicUrl: "${url}", host: 127.0.0.1, port: ${port} }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/destination-webhook"]
api: { devId: ${dev.devId}, apiKeys: ["${dev.apiKey}"], signingSecret: "${signingSecret}" }
providers:
  ${c.name}: { clientId: ${CLIENT.id}, clientSecret: ${CLIENT.secret}, baseUrl: "${m.baseUrl}", authorizeUrl: "${m.authorizeUrl}", tokenUrl: "${m.tokenUrl}", backfillDays: 1${c.settings ? `, ${c.settings}` : ""} }
delivery: { attempts: 2, backoffSeconds: 1 }
destinations:
  - { name: hook, type: webhook, options: { url: "${receiver.url}" } }
`);
    const { config, registry } = await loadConfigWithPlugins({ path: join(dir, "tributary.yaml"), env: {}, cwd: dir, registry: createPluginRegistry([definition]) });
    const store = await memoryStateStore();
    const app: App = await buildApp({ config, registry, log: silentLogger(), prefix: `test-push-${randomUUID().slice(0, 12)}`, store });
    cleanup = async () => {
      await Promise.all(app.ctx.queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await app.close();
      await store.db.close();
      await Promise.all([receiver.close(), mock.close()]);
      await rm(dir, { recursive: true, force: true });
    };
    app.startWorkers();
    if (!(await app.producer.whenReady(10_000))) throw new Error(`Redis at ${TEST_REDIS_URL} is not reachable`);
    await app.startHttp();
    const v2 = async (method: "GET" | "POST", path: string, body?: unknown) => {
      const response = await fetch(`${url}/v2${path}`, {
        method,
        headers: { "dev-id": dev.devId, "x-api-key": dev.apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
    };

    // Connect through the provider's consent page and our callback.
    const started = await v2("POST", `/auth/authenticateUser?resource=${c.name}`, { reference_id: `ref-${c.name}` });
    expect(started.status).toBe(200);
    const consent = await submitConsent(started.body.auth_url, "approve", c.login);
    const callback = await fetch(consent.location!, { redirect: "manual" });
    expect(callback.status).toBeLessThan(400);
    const userId: string = started.body.user_id;
    expect(await store.getConnection(userId)).toMatchObject({ provider: c.name, provider_user_id: c.providerUserId, active: true });

    // A data request through the runtime: read, mapped, valid.
    const data = await v2("GET", `/${c.request.dataType}?user_id=${userId}&start_date=${c.request.start}&end_date=${c.request.end}&to_webhook=false`);
    expect(data.status).toBe(200);
    c.request.expect(data.body.data);

    const hook = `${url}/hooks/${c.name}`;
    // The provider's check of the callback (WHOOP makes none): answered as it wants with our verify token.
    const token = /verifyToken: (\S+?)(,|$)/.exec(c.settings)?.[1];
    if (token) {
      expect(await mock.handshake(hook, { verifyToken: token })).toMatchObject([{ ok: true }]);
      expect((await mock.handshake(hook, { verifyToken: `${token}-not` }))[0]!.ok).toBe(false);
    }

    // A signed push: accepted, and what it names is pulled and delivered.
    const accepted = await mock.pushExample(hook, c.push.example, { secret: CLIENT.secret, ...(c.push.hexCase ? { hexCase: c.push.hexCase } : {}) });
    expect(accepted.status).toBeLessThan(300);
    await until(`${c.name} push delivered`, async () =>
      receiver.arrivals.some((arrival) => arrival.payload.type === c.push.dataType && (arrival.payload as any).user?.user_id === userId && c.push.expect((arrival.payload as any).data ?? [])) ? true : undefined, 60_000);

    // The same push forged: refused.
    const example = definition.spec.webhook!.examples![c.push.example]!.body;
    const forged = c.forge.body
      ? await mock.push(hook, c.forge.body(example), { secret: CLIENT.secret })
      : await mock.pushExample(hook, c.push.example, { secret: c.forge.secret!, ...(c.push.hexCase ? { hexCase: c.push.hexCase } : {}) });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
  }, 120_000);
});
