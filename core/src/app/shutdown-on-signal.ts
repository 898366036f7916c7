import type { Logger } from "../log/logger.ts";

export interface ShutdownOptions {
  log: Logger;
  /** The graceful path: stop accepting, drain, close. */
  close: () => Promise<void>;
  /** @default process.exit */
  exit?: (code: number) => void;
}

/** What a cluster primary sends its processes to make them drain and exit (see cluster-primary.ts). */
export const SHUTDOWN_MESSAGE = "tributary:shutdown";

/**
 * SIGTERM (orchestrators) and SIGINT (Ctrl-C) drain and exit 0; a second signal while draining exits 1
 * at once, for the operator who cannot wait for a long job. Jobs cut off that way are not lost: their
 * locks expire and another worker runs them again.
 */
export function shutdownOnSignal(options: ShutdownOptions): () => void {
  const exit = options.exit ?? exitAfterFlush;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log.warn({ signal }, "second signal: exiting without waiting for running jobs");
      exit(1);
      return;
    }
    stopping = true;
    options.log.info({ signal }, "shutting down: finishing running jobs and requests (send the signal again to force)");
    options.close().then(
      () => {
        options.log.info("shutdown complete");
        exit(0);
      },
      (error: unknown) => {
        options.log.error({ err: (error as Error).message }, "shutdown failed");
        exit(1);
      },
    );
  };
  // Under `--processes N` the primary asks by message rather than by signal: Ctrl-C already signals
  // every process of the terminal's group, and a forwarded signal on top would count as the second one.
  const onMessage = (message: unknown) => {
    if ((message as { type?: unknown } | null)?.type === SHUTDOWN_MESSAGE && !stopping) onSignal("SIGTERM");
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("message", onMessage);
  return () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    process.off("message", onMessage);
  };
}

/** Exit once stdout and stderr have taken what was written to them (pipes are asynchronous). */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}
