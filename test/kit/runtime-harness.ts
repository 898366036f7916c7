import { randomBytes, randomUUID } from "node:crypto";
import type { Destination } from "@tributary/core/contracts";
import { silentLogger, type Logger } from "@tributary/core/log";
import { BUILTIN_PLUGINS, createPluginRegistry, type PluginRegistry } from "@tributary/core/registry";
import { createRuntime, type ActiveDestination, type DeliveryPolicy, type ProviderSettings, type Runtime } from "@tributary/core/runtime";
import { createPgliteDatabase, createStateStore, createTokenCipher, migrate, type StateStore } from "@tributary/core/state";

export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export interface RuntimeHarness {
  runtime: Runtime;
  store: StateStore;
  registry: PluginRegistry;
  close(): Promise<void>;
}

/** An in-memory state store with a fresh random key: fast, isolated, nothing left behind. */
export async function memoryStateStore(): Promise<StateStore> {
  const db = await createPgliteDatabase();
  await migrate(db);
  return createStateStore({ db, cipher: createTokenCipher({ key: randomBytes(32).toString("base64") }) });
}

/**
 * A runtime on the real Redis under a unique queue prefix, so tests can run again (and in parallel) on a
 * dirty machine; `close` obliterates its queues.
 */
export async function startTestRuntime(options: {
  destinations: Record<string, Destination | ActiveDestination>;
  policy?: Partial<DeliveryPolicy>;
  providers?: Record<string, ProviderSettings>;
  store?: StateStore;
  registry?: PluginRegistry;
  workers?: boolean;
  /** Silent unless given (a test that reads what the runtime logs). */
  log?: Logger;
}): Promise<RuntimeHarness> {
  const store = options.store ?? (await memoryStateStore());
  const registry = options.registry ?? createPluginRegistry();
  if (!options.registry) await registry.load(BUILTIN_PLUGINS);
  const destinations = new Map<string, ActiveDestination>(
    Object.entries(options.destinations).map(([name, d]) => [name, "destination" in d ? d : { destination: d }]),
  );
  const runtime = createRuntime({
    redisUrl: TEST_REDIS_URL,
    prefix: `test-${randomUUID().slice(0, 12)}`,
    store,
    registry,
    destinations,
    policy: options.policy,
    providers: options.providers,
    log: options.log ?? silentLogger(),
  });
  if (options.workers !== false) runtime.startWorkers();
  return {
    runtime,
    store,
    registry,
    async close() {
      const { queues } = runtime.ctx;
      await Promise.all(queues.all().map((q) => q.obliterate({ force: true }).catch(() => undefined)));
      await runtime.close();
      await store.db.close();
    },
  };
}
