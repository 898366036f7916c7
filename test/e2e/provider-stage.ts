import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import type { App } from "@tributary/core/app";
import { loadMockFixtures, mockFromSpec, type MockProvider, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";
import type { StateStore } from "@tributary/core/state";
import { freePort } from "../kit/free-port.ts";
import { TEST_REDIS_URL } from "../kit/runtime-harness.ts";
import { startListeningApp } from "./listening-app.ts";
import { v2Client, type V2Call } from "./v2-client.ts";
import { startRecordingReceiver, type RecordingReceiver } from "./recording-receiver.ts";
import { daysSince, shiftFixtures } from "./shift-times.ts";

/** The day after the connectors' fixtures end: it becomes today. */
const FIXTURES_END = "2026-04-01";

/** What a provider's mock is made of, before it listens. */
export interface StagedMock {
  /** Days the fixtures were moved later. */
  days: number;
  /** The mock's origin (it listens there). */
  origin: string;
}

export interface StagedProvider {
  name: string;
  /** `providers.<NAME>.verifyToken`: what the provider's subscription handshake carries. */
  verifyToken?: string;
  /** More `providers.<NAME>` settings, as YAML flow-map entries. */
  settings?: string;
  /** Changes to the fixtures the spec cannot say (where a CDN serves files). */
  fixtures?(fixtures: SpecFixtures, mock: StagedMock): SpecFixtures;
  /** Routes the spec does not declare, added before the mock listens (a ping's upload window). */
  routes?(mock: MockProvider, staged: StagedMock): void;
}

export interface ProviderStage {
  app: App;
  store: StateStore;
  /** Tributary's public URL. */
  url: string;
  dev: { devId: string; apiKey: string };
  receiver: RecordingReceiver;
  /** A second developer account, with a destination of its own. */
  other: { dev: { devId: string; apiKey: string }; receiver: RecordingReceiver; v2: V2Call };
  /** Days every provider's fixtures were moved later (today is the day after they end). */
  days: number;
  mocks: Record<string, MockProvider>;
  definitions: Record<string, ConnectorDefinition>;
  v2: V2Call;
  close(): Promise<void>;
}

/**
 * One listening Tributary on real Redis with every given connector pointed at its mock, the mocks'
 * fixtures moved so they end yesterday, and two developers, each with a recording receiver as its webhook.
 */
export async function startProviderStage(providers: readonly StagedProvider[]): Promise<ProviderStage> {
  const days = daysSince(FIXTURES_END);
  const definitions: Record<string, ConnectorDefinition> = {};
  const mocks: Record<string, MockProvider> = {};
  const entries: string[] = [];
  for (const provider of providers) {
    const definition = loadConnectorFile(new URL(`../../connectors/${provider.name.toLowerCase()}/`, import.meta.url).pathname);
    const port = await freePort();
    const staged: StagedMock = { days, origin: `http://127.0.0.1:${port}` };
    let fixtures = shiftFixtures(await loadMockFixtures(join(definition.dir!, "fixtures"), definition.spec), days);
    if (provider.fixtures) fixtures = provider.fixtures(fixtures, staged);
    // The providers' budgets are Tributary's to keep, and it does: the mocks do not count.
    const mock = mockFromSpec(definition.spec, fixtures, { rateLimits: false });
    provider.routes?.(mock, staged);
    await mock.listen({ port });
    const m = mock.urls();
    const urls = [
      `baseUrl: "${m.baseUrl}"`,
      ...(m.authorizeUrl ? [`authorizeUrl: "${m.authorizeUrl}"`] : []),
      ...(m.tokenUrl ? [`tokenUrl: "${m.tokenUrl}"`] : []),
    ];
    const settings = [...urls, ...(provider.verifyToken ? [`verifyToken: ${provider.verifyToken}`] : []), ...(provider.settings ? [provider.settings] : [])];
    entries.push(`  ${provider.name}: { clientId: mock-client-id, clientSecret: mock-client-secret, ${settings.join(", ")} }`);
    definitions[provider.name] = definition;
    mocks[provider.name] = mock;
  }

  const developer = async () => {
    const signingSecret = randomBytes(12).toString("hex");
    return {
      signingSecret,
      receiver: await startRecordingReceiver({ signingSecret }),
      dev: { devId: `dev-${randomUUID().slice(0, 8)}`, apiKey: `key-${randomBytes(16).toString("hex")}` },
    };
  };
  const [main, other] = [await developer(), await developer()];
  const { dev, receiver } = main;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const yaml = `
server: { publicUrl: "${url}", host: 127.0.0.1, port: ${port} }
redis: { url: "${TEST_REDIS_URL}" }
plugins: ["@tributary/destination-webhook"]
api: { devId: ${dev.devId}, apiKeys: ["${dev.apiKey}"], signingSecret: "${main.signingSecret}" }
developers:
  - { devId: ${other.dev.devId}, apiKeys: ["${other.dev.apiKey}"], signingSecret: "${other.signingSecret}", destinations: [other-hook] }
providers:
${entries.join("\n")}
delivery: { attempts: 2, backoffSeconds: 1 }
destinations:
  - { name: hook, type: webhook, options: { url: "${receiver.url}" } }
  - { name: other-hook, type: webhook, options: { url: "${other.receiver.url}" } }
`;
  const { app, store, close } = await startListeningApp({ yaml, definitions: Object.values(definitions), prefix: "providers" });

  return {
    app,
    store,
    url,
    dev,
    receiver,
    other: { dev: other.dev, receiver: other.receiver, v2: v2Client(url, other.dev) },
    days,
    mocks,
    definitions,
    v2: v2Client(url, dev),
    async close() {
      await close();
      await Promise.all([receiver.close(), other.receiver.close(), ...Object.values(mocks).map((mock) => mock.close())]);
    },
  };
}
