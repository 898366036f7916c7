import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import type { ConnectorSpec } from "@tributary/schemas";
import type { App } from "@tributary/core/app";
import { loadMockFixtures, mockFromSpec, type MockProvider, type SpecFixtures } from "@tributary/core/mock-provider";
import { defineConnector, loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";
import type { StateStore } from "@tributary/core/state";
import { freePort } from "../kit/free-port.ts";
import { TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { startListeningApp } from "./listening-app.ts";
import { daysSince, shiftFixtures } from "./shift-times.ts";
import { v2Client, type V2Call } from "./v2-client.ts";
import { startRecordingReceiver, type RecordingReceiver } from "./recording-receiver.ts";

const INSIDERS_DIR = new URL("../../connectors/insiders/", import.meta.url);
/** The day after Ada's last completed workout in INSIDERS' fixtures: moved to today, that workout is yesterday's. */
const INSIDERS_FIXTURES_END = "2026-03-30";

/** INSIDERS as its folder declares it: OAuth 2 code flow with PKCE, basic client auth, rotating refresh. */
export const insidersDefinition = (): ConnectorDefinition => loadConnectorFile(INSIDERS_DIR);
export const insidersFixtures = (definition: ConnectorDefinition): Promise<SpecFixtures> =>
  loadMockFixtures(join(definition.dir!, "fixtures"), definition.spec);

/**
 * A password-grant provider (Xert's way): INSIDERS' API, but the user's username and password become
 * tokens once, through our credentials form.
 */
export const passwordDefinition = (insiders: ConnectorDefinition): ConnectorDefinition =>
  defineConnector({
    spec: {
      ...insiders.spec,
      name: "PASSWORDY",
      displayName: "Passwordy",
      icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 40 40'%3E%3Crect width='40' height='40' rx='8' fill='%23b45309'/%3E%3C/svg%3E",
      auth: {
        type: "oauth2_password",
        tokenUrl: "https://api.passwordy.example/oauth/token",
        refresh: "rotating",
        providerUserId: { from: "token", path: "/user_id" },
      },
    } as ConnectorSpec,
  });

export interface Developer {
  devId: string;
  apiKey: string;
  signingSecret: string;
  receiver: RecordingReceiver;
}

export interface WidgetHarness {
  app: App;
  store: StateStore;
  /** Where the server listens (the public URL: provider callbacks come back here). */
  url: string;
  dev: Developer;
  mocks: { insiders: MockProvider; passwordy: MockProvider };
  insidersFixtures: SpecFixtures;
  /** A call to the /v2 API as the developer. */
  v2: V2Call;
  close(): Promise<void>;
}

/** A listening Tributary with INSIDERS and PASSWORDY pointed at their mocks, SANDBOX, and one developer with a signed webhook. */
export async function startWidgetHarness(options: { workers?: boolean } = {}): Promise<WidgetHarness> {
  const insiders = insidersDefinition();
  // Moved so Ada's last completed workout was yesterday: a connection's backfill (3 days) delivers it.
  const fixtures = shiftFixtures(await insidersFixtures(insiders), daysSince(INSIDERS_FIXTURES_END));
  const passwordy = passwordDefinition(insiders);
  const mocks = {
    insiders: mockFromSpec(insiders.spec, fixtures),
    passwordy: mockFromSpec(passwordy.spec, fixtures),
  };
  await Promise.all([mocks.insiders.listen(), mocks.passwordy.listen()]);
  const signingSecret = randomBytes(12).toString("hex");
  const dev: Developer = {
    devId: `dev-${randomUUID().slice(0, 8)}`,
    apiKey: `key-${randomBytes(16).toString("hex")}`,
    signingSecret,
    receiver: await startRecordingReceiver({ signingSecret }),
  };

  // The public URL must be known before listening: take a port, then listen on it.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const i = mocks.insiders.urls();
  const p = mocks.passwordy.urls();
  const yaml = `
server: { publicUrl: "${url}", host: 127.0.0.1, port: ${port} }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/connector-sandbox", "@tributary/destination-webhook"]
api: { devId: ${dev.devId}, apiKeys: ["${dev.apiKey}"], signingSecret: "${dev.signingSecret}" }
providers:
  SANDBOX: { backfillDays: 1 }
  INSIDERS: { clientId: mock-client-id, clientSecret: mock-client-secret, baseUrl: "${i.baseUrl}", authorizeUrl: "${i.authorizeUrl}", tokenUrl: "${i.tokenUrl}", backfillDays: 3 }
  PASSWORDY: { clientId: mock-client-id, clientSecret: mock-client-secret, baseUrl: "${p.baseUrl}", tokenUrl: "${p.tokenUrl}", backfillDays: 3 }
delivery: { attempts: 2, backoffSeconds: 1 }
destinations:
  - { name: hook, type: webhook, options: { url: "${dev.receiver.url}" } }
`;
  const { app, store, close } = await startListeningApp({
    yaml,
    definitions: [insiders, passwordy],
    prefix: "widget",
    ...(options.workers === false ? { workers: false } : {}),
  });

  return {
    app,
    store,
    url,
    dev,
    mocks,
    insidersFixtures: fixtures,
    v2: v2Client(url, dev),
    async close() {
      await close();
      await Promise.all([dev.receiver.close(), mocks.insiders.close(), mocks.passwordy.close()]);
    },
  };
}
