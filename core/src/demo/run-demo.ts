import { randomBytes, randomUUID } from "node:crypto";
import { buildDestinations } from "../app/build-destinations.ts";
import type { Destination } from "../contracts/destination.ts";
import type { Logger } from "../log/logger.ts";
import { ensureRedis } from "../queue/ensure-redis.ts";
import { createPluginRegistry } from "../registry/plugin-registry.ts";
import { connectUser } from "../services/connect-user.ts";
import { createRuntime } from "../runtime/create-runtime.ts";
import { openState } from "../runtime/open-state.ts";
import { waitForIdle } from "../runtime/wait-for-idle.ts";
import { DEMO_RECEIVER, describeConfigDestinations, registerDestinationPlugins, type DemoConfigDestinations } from "./config-destinations.ts";
import { startLocalReceiver, type ReceivedPayload } from "./local-receiver.ts";

export interface DemoOptions {
  redisUrl: string;
  /** The demo's own embedded store lives here; never a deployment's database (DATABASE_URL is not read). */
  dataDir: string;
  encryptionKey?: string;
  days: number;
  /** Leave the receiver listening (the widget act delivers to it); `closeReceiver` ends it. */
  keepReceiver?: boolean;
  /** Deliver to these destinations of the operator's config too (asked for with --config), beside the receiver. */
  configDestinations?: DemoConfigDestinations | undefined;
  log: Logger;
  print: (line: string) => void;
}

export interface DemoResult {
  userId: string;
  received: ReceivedPayload[];
  records: number;
  invalid: number;
  /** The local receiver, for the widget act. */
  receiver: { url: string; signingSecret: string };
  closeReceiver(): Promise<void>;
}

function describe(entry: ReceivedPayload): string {
  const { payload } = entry;
  const count = Array.isArray(payload.data) ? `${payload.data.length} records` : payload.athlete ? "1 profile" : String(payload.status ?? "");
  const schema = entry.issues.length === 0 ? "schema ✓" : `schema ✗ ${entry.issues[0]?.message}`;
  return `  ← ${payload.type.padEnd(13)} ${count.padEnd(12)} signature ✓  ${schema}  trace ${entry.traceId?.slice(0, 8) ?? "-"}`;
}

/**
 * The newcomer's first run: a SANDBOX user connects, its backfill flows through BullMQ on Redis, is
 * validated, and arrives at a local receiver that verifies every Terra signature — no accounts needed.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { print, log } = options;
  const redis = await ensureRedis(options.redisUrl, log);
  print(`• Redis at ${new URL(options.redisUrl).host}${redis.started ? " (started a local redis-server)" : ""}`);

  const store = await openState({ dataDir: options.dataDir, encryptionKey: options.encryptionKey, log });
  print(`• State store: embedded PostgreSQL (PGlite) in ${options.dataDir}`);

  const registry = createPluginRegistry();
  await registry.load(["@tributary/connector-sandbox", "@tributary/destination-webhook"]);
  const lent = options.configDestinations;
  if (lent) registerDestinationPlugins(registry, lent.plugins);

  const signingSecret = randomBytes(24).toString("hex");
  const receiver = await startLocalReceiver({ signingSecret, onPayload: (entry) => print(describe(entry)) });
  print(`• Local receiver verifying terra-signature at ${receiver.url}`);

  const webhook: Destination = registry
    .destination("webhook")
    .create({ url: receiver.url, signingSecret }, { name: DEMO_RECEIVER, log, lookup: () => undefined });
  const destinations = new Map([
    [DEMO_RECEIVER, { destination: webhook }],
    ...(lent ? buildDestinations({ destinations: lent.entries, developers: [] }, registry, log) : []),
  ]);
  if (lent) print(`• Also delivering to the destinations of ${lent.file}: ${describeConfigDestinations(lent)}`);
  // A private queue prefix: the demo never touches another deployment's jobs on the same Redis.
  const prefix = `tributary-demo-${randomUUID().slice(0, 8)}`;
  const runtime = createRuntime({
    redisUrl: options.redisUrl,
    prefix,
    store,
    registry,
    destinations,
    providers: { SANDBOX: { backfillDays: options.days } },
    log,
  });
  runtime.startWorkers();
  try {
    const { user } = await connectUser(runtime.ctx, { provider: "SANDBOX", referenceId: "demo-user" });
    print(`• Connected SANDBOX user ${user.user_id}; backfilling ${options.days} days of activity, body, daily, sleep, nutrition, menstruation, athlete…`);
    await waitForIdle(runtime.ctx.queues, { timeoutMs: 120_000 });
    const records = receiver.received.reduce((n, r) => n + (Array.isArray(r.payload.data) ? r.payload.data.length : r.payload.athlete ? 1 : 0), 0);
    const invalid = receiver.received.filter((r) => r.issues.length > 0).length;
    const quarantined = await store.countQuarantine();
    print(
      `✓ Done: ${receiver.received.length} signed payloads (${records} records) delivered through BullMQ; ` +
        `${invalid} failed schema validation; ${quarantined} records in quarantine.`,
    );
    await Promise.all(runtime.ctx.queues.all().map((queue) => queue.obliterate({ force: true })));
    return {
      userId: user.user_id,
      received: receiver.received,
      records,
      invalid,
      receiver: { url: receiver.url, signingSecret },
      closeReceiver: () => receiver.close(),
    };
  } finally {
    await runtime.close();
    if (!options.keepReceiver) await receiver.close();
    await store.db.close();
  }
}
