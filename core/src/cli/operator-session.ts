import { join } from "node:path";
import { loadConfigWithPlugins } from "../config/load-config.ts";
import type { TributaryConfig } from "../config/config-schema.ts";
import { controlClient, controlSocketPath } from "../control/control-socket.ts";
import { operatorActions, type OperatorActions } from "../control/operator-actions.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import { createProducerQueues } from "../queue/producer-queues.ts";
import { redisUnavailable } from "../queue/redis-client.ts";
import type { RuntimeQueues } from "../queue/queues.ts";
import { lockHolder } from "../state/data-dir-lock.ts";
import { buildApp } from "../app/build-app.ts";
import { assertRedisReachable, type AppCommandOptions } from "./app-options.ts";

export interface OperatorSession {
  actions: OperatorActions;
  /** Queues on Redis, to watch what the actions enqueued. */
  queues: RuntimeQueues;
  config: TributaryConfig;
  /** `local`: this process runs the actions; `remote`: the process holding the embedded store does. */
  mode: "local" | "remote";
}

/**
 * Run CLI actions (connect, deauth, pause, resume) wherever they can run. With PostgreSQL every process
 * shares the store, so the CLI runs them itself. The embedded store (PGlite) belongs to one process: when
 * `serve` (or `api`, `worker`) holds it, the CLI asks that process through its control socket in the data
 * folder, and watches the queues on Redis itself.
 */
export async function withOperatorSession<T>(options: AppCommandOptions, log: Logger, use: (session: OperatorSession) => Promise<T>): Promise<T> {
  const { config, registry } = await loadConfigWithPlugins({ path: options.config });
  const embedded = !config.database.url;
  if (embedded && lockHolder(join(config.dataDir, "db")) !== undefined) return remote(config, options, log, use);
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({ config, registry, log, prefix: options.queuePrefix, withHttp: false });
  } catch (error) {
    // A server took the store between the check and the open.
    if (embedded && isTributaryError(error) && error.code === ErrorCodes.STATE_IN_USE) return remote(config, options, log, use);
    throw error;
  }
  try {
    await assertRedisReachable(app);
    return await use({ actions: operatorActions(app.services, config), queues: app.producer, config, mode: "local" });
  } finally {
    await app.close();
  }
}

async function remote<T>(config: TributaryConfig, options: AppCommandOptions, log: Logger, use: (session: OperatorSession) => Promise<T>): Promise<T> {
  const path = controlSocketPath(config.dataDir);
  const queues = createProducerQueues(config.redis, options.queuePrefix, { log });
  try {
    if (!(await queues.whenReady(3000))) throw redisUnavailable(config.redis);
    log.debug({ path }, "the embedded store is in use by a running process: asking it through its control socket");
    return await use({ actions: controlClient(path), queues, config, mode: "remote" });
  } finally {
    await queues.close();
  }
}
