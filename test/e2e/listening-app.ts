import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, type App } from "@tributary/core/app";
import { loadConfigWithPlugins } from "@tributary/core/config";
import { silentLogger, type Logger } from "@tributary/core/log";
import { createPluginRegistry } from "@tributary/core/registry";
import type { ConnectorDefinition } from "@tributary/core/spec";
import type { StateStore } from "@tributary/core/state";
import { memoryStateStore, TEST_REDIS_URL } from "../kit/runtime-harness.ts";

export interface ListeningApp {
  app: App;
  store: StateStore;
  /** Drops the app's queues from Redis, stops it and its store. */
  close(): Promise<void>;
}

/**
 * Tributary started from a config text (written to a file, loaded as `serve` loads it) with the given
 * connectors, on an in-memory store and the test Redis under a queue prefix of its own, listening where
 * the config's `server` says; its workers run in this process unless `workers` is false.
 */
export async function startListeningApp(options: {
  yaml: string;
  definitions: ConnectorDefinition[];
  prefix: string;
  workers?: boolean;
  /** Silent unless given (a test that reads what the app logs). */
  log?: Logger;
}): Promise<ListeningApp> {
  const dir = await mkdtemp(join(tmpdir(), `tributary-${options.prefix}-`));
  const path = join(dir, "tributary.yaml");
  await writeFile(path, options.yaml);
  const { config, registry } = await loadConfigWithPlugins({ path, env: {}, cwd: dir, registry: createPluginRegistry(options.definitions) });
  const store = await memoryStateStore();
  const app = await buildApp({ config, registry, log: options.log ?? silentLogger(), prefix: `test-${options.prefix}-${randomUUID().slice(0, 12)}`, store });
  if (options.workers !== false) app.startWorkers();
  if (!(await app.producer.whenReady(10_000))) throw new Error(`Redis at ${TEST_REDIS_URL} is not reachable`);
  await app.startHttp();
  return {
    app,
    store,
    async close() {
      await Promise.all(app.ctx.queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await app.close();
      await store.db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
