import { withTimeout } from "../util/with-timeout.ts";
import { performance } from "node:perf_hooks";
import type { Destination } from "../contracts/destination.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, TransientError } from "../errors/tributary-error.ts";
import { silentLogger, type Logger } from "../log/logger.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import type { TributaryConfig } from "./config-schema.ts";
import { configSecrets } from "./redact-config.ts";
import { scrubSecrets } from "../redaction/index.ts";
import { maskUrlPassword } from "./secrets.ts";

export interface DestinationCheckResult {
  name: string;
  type: string;
  ok: boolean;
  /** How long `check()` took (or until it timed out); 0 when the destination could not even be created. */
  durationMs: number;
  /** Why it failed, secret-free: a Tributary error code (or a Node error code like ECONNREFUSED), message and hint. */
  error?: { code: string; message: string; hint?: string };
}

export interface CheckDestinationsOptions {
  /** Per destination, for `check()` and again for `close()`. @default 10_000 */
  timeoutMs?: number;
  log?: Logger;
  /** Let each destination create what deliveries need and send a test delivery (`check --write-test`). @default false */
  write?: boolean;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/**
 * Builds every enabled destination, runs their `check()` concurrently with a timeout, closes them and
 * reports one result each, in config order. Never throws for a destination's failure: that is a result.
 */
export async function checkDestinations(
  config: TributaryConfig,
  registry: PluginRegistry,
  options: CheckDestinationsOptions = {},
): Promise<DestinationCheckResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const log = options.log ?? silentLogger();
  const secrets = configSecrets(config, registry);
  const enabled = config.destinations.filter((destination) => destination.enabled !== false);

  const built = new Map<string, Destination>();
  const results = new Map<string, DestinationCheckResult>();
  for (const entry of enabled) {
    try {
      const plugin = registry.destination(entry.type);
      const destination = plugin.create(entry.options, {
        name: entry.name,
        log: log.child({ destination: entry.name }),
        lookup: (name) => built.get(name),
      });
      built.set(entry.name, destination);
    } catch (error) {
      results.set(entry.name, failure(entry, 0, error, secrets));
    }
  }

  await Promise.all(
    enabled.map(async (entry) => {
      const destination = built.get(entry.name);
      if (!destination) return;
      const started = performance.now();
      try {
        await withTimeout(destination.check({ write: options.write === true }), timeoutMs, () => timeoutError("check()", timeoutMs));
        results.set(entry.name, { name: entry.name, type: entry.type, ok: true, durationMs: elapsed(started) });
      } catch (error) {
        results.set(entry.name, failure(entry, elapsed(started), error, secrets));
      }
    }),
  );

  // Closed only after every check: one destination may use another through lookup() while checking.
  await Promise.all(
    [...built.values()].map(async (destination) => {
      try {
        await withTimeout(destination.close(), timeoutMs, () => timeoutError("close()", timeoutMs));
      } catch (error) {
        log.warn({ destination: destination.name, error: scrubDriverText(String(error), secrets) }, "closing the destination failed");
      }
    }),
  );

  return enabled.map((entry) => results.get(entry.name) as DestinationCheckResult);
}

/** `✓ warehouse (sql)  ok  123 ms` or `✗ lake (s3)  ERR_DESTINATION_AUTH: Access denied … — hint` */
export function formatCheckResult(result: DestinationCheckResult): string {
  const who = `${result.name} (${result.type})`;
  if (result.ok) return `✓ ${who}  ok  ${result.durationMs} ms`;
  const error = result.error;
  return `✗ ${who}  ${error?.code ?? "ERROR"}: ${error?.message ?? "failed"}${error?.hint ? ` — ${error.hint}` : ""}`;
}

function failure(entry: { name: string; type: string }, durationMs: number, error: unknown, secrets: readonly string[]): DestinationCheckResult {
  const scrub = (text: string) => scrubDriverText(text, secrets);
  let described: { code: string; message: string; hint?: string };
  if (isTributaryError(error)) {
    described = { code: error.code, message: scrub(error.message), ...(error.hint ? { hint: scrub(error.hint) } : {}) };
  } else if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    described = { code: typeof code === "string" ? code : error.name, message: scrub(error.message) };
  } else {
    described = { code: "ERROR", message: scrub(String(error)) };
  }
  return { name: entry.name, type: entry.type, ok: false, durationMs, error: described };
}

function timeoutError(what: string, timeoutMs: number): TransientError {
  return new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `${what} did not finish within ${timeoutMs / 1000} s`, {
    hint: "is the service reachable from this machine? If it is only slow, allow more time",
  });
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/** A driver's text may quote a configured secret (even a short password) or a connection string with one. */
function scrubDriverText(text: string, secrets: readonly string[]): string {
  return maskUrlPassword(scrubSecrets(text, secrets, 4));
}
