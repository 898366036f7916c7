import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, type App } from "@tributary/core/app";
import { loadConfigWithPlugins, type TributaryConfig } from "@tributary/core/config";
import { silentLogger } from "@tributary/core/log";
import type { StateStore } from "@tributary/core/state";

export interface ConfiguredApp {
  app: App;
  config: TributaryConfig;
  /** A destination's options as the config resolved them (defaults filled in, variables substituted). */
  options(destination: string): Record<string, unknown>;
  /** Stop as SIGTERM does; the queues stay in Redis (a restart on the same prefix finds them). */
  close(): Promise<void>;
  /** Drop this app's queues from Redis, then close. */
  destroy(): Promise<void>;
}

/**
 * Tributary started the way `tributary serve -c <file>` starts it: the config text is written to a file,
 * loaded with its plugins (variables from `env`), and built into an app whose workers run in this process.
 * The state store is the caller's, so a test can stop the app and start a fixed one on the same store.
 */
export async function startConfiguredApp(
  yaml: string,
  options: { env: Readonly<Record<string, string | undefined>>; store: StateStore; prefix: string },
): Promise<ConfiguredApp> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-e2e-"));
  try {
    const path = join(dir, "tributary.yaml");
    await writeFile(path, yaml);
    const { config, registry } = await loadConfigWithPlugins({ path, env: options.env, cwd: dir });
    const app = await buildApp({ config, registry, log: silentLogger(), prefix: options.prefix, store: options.store });
    app.startWorkers();
    const close = async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    };
    return {
      app,
      config,
      options(destination) {
        const entry = config.destinations.find((candidate) => candidate.name === destination);
        if (!entry) throw new Error(`no destination ${destination} in the config`);
        return entry.options;
      },
      close,
      async destroy() {
        await Promise.all(app.ctx.queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
        await close();
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
