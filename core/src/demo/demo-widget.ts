import { randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildApp, type App } from "../app/build-app.ts";
import { parseConfigSource } from "../config/config-source.ts";
import { validateConfigSource } from "../config/validate-config.ts";
import type { Logger } from "../log/logger.ts";
import { loadMockFixtures } from "../mock-provider/fixture-files.ts";
import { mockFromSpec, type MockProvider, type SpecFixtures } from "../mock-provider/mock-from-spec.ts";
import { recordTime } from "../mock-provider/time-format.ts";
import { createPluginRegistry } from "../registry/plugin-registry.ts";
import { openState } from "../runtime/open-state.ts";
import { loadConnectorFile } from "../spec/load-connector.ts";
import { readPointer } from "../spec/pointer.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import { DEMO_RECEIVER, registerDestinationPlugins, type DemoConfigDestinations } from "./config-destinations.ts";

/** Spec connectors whose mock runs locally: the demo serves their OAuth and API from their fixtures. */
const MOCKED_CONNECTORS = ["@tributary/connector-insiders", "@tributary/connector-peloton", "@tributary/connector-xert"];
const DAY_MS = 86_400_000;

export interface DemoWidgetOptions {
  redisUrl: string;
  /** The demo's own data folder (its embedded store), never a deployment's. */
  dataDir: string;
  encryptionKey?: string | undefined;
  /** Where the demo's deliveries go (its local receiver). */
  receiver: { url: string; signingSecret: string };
  /** Deliver to these destinations of the operator's config too (asked for with --config). */
  configDestinations?: DemoConfigDestinations | undefined;
  /** @default 3000 */
  port?: number;
  log: Logger;
  print: (line: string) => void;
}

export interface DemoWidget {
  app: App;
  /** A widget session's page, ready for the newcomer's browser. */
  widgetUrl: string;
  mocks: MockProvider[];
  close(): Promise<void>;
}

/**
 * The demo's second act: a server on 127.0.0.1 with the hosted connect widget, SANDBOX and every
 * connector whose mock runs locally (started here, the providers' URLs pointed at them), delivering to
 * the demo's receiver. Its own queue prefix and data folder keep its users out of real deployments.
 */
export async function startDemoWidget(options: DemoWidgetOptions): Promise<DemoWidget> {
  const { print, log } = options;
  const port = options.port ?? 3000;
  const mocked = mockedConnectors(print);
  const mocks: MockProvider[] = [];
  const providers: string[] = [];
  for (const definition of mocked) {
    const fixtures = await loadMockFixtures(join(definition.dir!, "fixtures"), definition.spec);
    const mock = mockFromSpec(definition.spec, fixtures);
    await mock.listen({ host: "127.0.0.1", port: 0 });
    mocks.push(mock);
    const urls = mock.urls();
    const overrides = Object.entries({ baseUrl: urls.baseUrl, authorizeUrl: urls.authorizeUrl, tokenUrl: urls.tokenUrl, refreshUrl: urls.refreshUrl })
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}: "${value}"`)
      .join(", ");
    // The backfill reaches back to the fixtures' oldest record, however long ago they were recorded.
    const oldest = oldestFixtureTime(fixtures);
    const backfillDays = oldest === undefined ? undefined : Math.ceil((Date.now() - oldest) / DAY_MS) + 1;
    providers.push(
      `  ${definition.spec.name}: { clientId: mock-client-id, clientSecret: mock-client-secret, ${overrides}${backfillDays === undefined ? "" : `, backfillDays: ${backfillDays}`} }`,
    );
    const logins = fixtures.users.filter((user) => user.username !== undefined).map((user) => `${String(user.username)} / ${String(user.password)}`);
    const tokens = fixtures.users.filter((user) => typeof user.token === "string").map((user) => String(user.token));
    const how = [logins.length > 0 ? `sign in as ${logins.join(" or ")}` : "", tokens.length > 0 ? `or paste the token ${tokens.join(" or ")}` : ""]
      .filter(Boolean)
      .join(", ");
    print(`• ${definition.spec.displayName} mock at ${new URL(urls.baseUrl).origin}${how ? ` (${how})` : ""}`);
  }

  const devId = "tributary-demo";
  const yaml = `
server: { host: 127.0.0.1, port: ${port}, publicUrl: "http://127.0.0.1:${port}" }
redis: { url: "${options.redisUrl}" }
dataDir: "${options.dataDir}"
api: { devId: ${devId}, apiKeys: ["${randomBytes(24).toString("hex")}"], signingSecret: "${options.receiver.signingSecret}" }
plugins: ["@tributary/connector-sandbox", "@tributary/destination-webhook"]
providers:
  SANDBOX: { backfillDays: 7 }
${providers.join("\n")}
destinations:
  - { name: ${DEMO_RECEIVER}, type: webhook, options: { url: "${options.receiver.url}" } }
`;
  const registry = createPluginRegistry(mocked);
  await registry.load(["@tributary/connector-sandbox", "@tributary/destination-webhook"]);
  const config = validateConfigSource(parseConfigSource(yaml, "demo", {}), registry);
  // Checked against their plugins when the operator's file was loaded; they belong to the demo's developer.
  if (options.configDestinations) {
    registerDestinationPlugins(registry, options.configDestinations.plugins);
    config.destinations.push(...options.configDestinations.entries);
  }
  const store = await openState({ dataDir: options.dataDir, encryptionKey: options.encryptionKey, log });
  const app = await buildApp({ config, registry, log, prefix: `tributary-demo-${randomUUID().slice(0, 8)}`, store });
  app.startWorkers();
  const { url } = await app.startHttp();
  const session = await store.createWidgetSession({
    developerId: devId,
    providers: Object.keys(config.providers),
    referenceId: "demo-user",
    ttlSeconds: 24 * 3600,
  });
  const widgetUrl = `${url}/widget/${session.id}`;
  return {
    app,
    widgetUrl,
    mocks,
    async close() {
      await Promise.all(app.ctx.queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await app.close();
      await store.db.close();
      await Promise.all(mocks.map((mock) => mock.close()));
    },
  };
}

/** The mocked connectors installed beside the project (resolved from the working directory, as plugins are). */
function mockedConnectors(print: (line: string) => void): ConnectorDefinition[] {
  const require = createRequire(pathToFileURL(join(process.cwd(), "package.json")));
  const found: ConnectorDefinition[] = [];
  for (const specifier of MOCKED_CONNECTORS) {
    try {
      found.push(loadConnectorFile(dirname(require.resolve(`${specifier}/package.json`))));
    } catch (error) {
      print(`• ${specifier} is not available (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); the widget offers SANDBOX only`);
    }
  }
  return found;
}

/** Epoch ms of the oldest record the fixtures serve (by each stream's declared record time). */
function oldestFixtureTime(fixtures: SpecFixtures): number | undefined {
  let oldest: number | undefined;
  for (const stream of Object.values(fixtures.streams ?? {})) {
    if (stream.time === undefined || typeof stream.records === "function") continue;
    const records = Array.isArray(stream.records) ? stream.records : Object.values(stream.records).flat();
    for (const record of records) {
      const time = recordTime(readPointer(record, stream.time.path), stream.time.format);
      if (time !== undefined && (oldest === undefined || time < oldest)) oldest = time;
    }
  }
  return oldest;
}
