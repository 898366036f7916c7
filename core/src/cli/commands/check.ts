import { InvalidArgumentError, type Command } from "commander";
import { checkDestinations, DEFAULT_CHECK_TIMEOUT_MS, formatCheckResult } from "../../config/check-destinations.ts";
import { checkDependencies } from "../../config/check-dependencies.ts";
import { loadConfigWithPlugins } from "../../config/load-config.ts";
import { isTributaryError } from "../../errors/tributary-error.ts";
import type { Logger } from "../../log/logger.ts";
import type { PluginRegistry } from "../../registry/plugin-registry.ts";
import { unavailableReason } from "../../services/provider-availability.ts";

export interface CheckCommandDeps {
  env?: Readonly<Record<string, string | undefined>>;
  /** A registry to load the config's plugins into; tests pass one with their own plugins. */
  createRegistry?: () => PluginRegistry;
  log?: Logger;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** 0 everything works, 1 at least one dependency or destination does not, 2 the config (or a plugin in it) is wrong. */
  setExitCode?: (code: number) => void;
}

/**
 * `tributary check [-c tributary.yaml] [--timeout 10] [--write-test]`: one line for Redis, one for the state
 * store, one per enabled destination, then one per loaded provider end users are not offered and why.
 * Read-only unless --write-test.
 */
export function registerCheckCommand(program: Command, deps: CheckCommandDeps = {}): Command {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  const setExitCode = deps.setExitCode ?? ((code: number) => void (process.exitCode = code));

  return program
    .command("check")
    .description("check Redis, the state store and every enabled destination; changes nothing unless --write-test")
    .option("-c, --config <path>", "config file (default: $TRIBUTARY_CONFIG, else ./tributary.yaml)")
    .option("--timeout <seconds>", "time allowed per check", parseSeconds, DEFAULT_CHECK_TIMEOUT_MS / 1000)
    .option("--write-test", "also let destinations create what deliveries need (sql tables, mongodb indexes) and send webhook destinations a healthcheck event")
    .action(async (_options: unknown, command: Command) => {
      // optsWithGlobals: `tributary -c x check` works as well as `tributary check -c x`.
      const options = command.optsWithGlobals<{ config?: string; timeout: number; writeTest?: boolean }>();
      let loaded: Awaited<ReturnType<typeof loadConfigWithPlugins>>;
      try {
        loaded = await loadConfigWithPlugins({
          path: options.config,
          ...(deps.env ? { env: deps.env } : {}),
          ...(deps.createRegistry ? { registry: deps.createRegistry() } : {}),
        });
      } catch (error) {
        if (!isTributaryError(error) || error.errorClass !== "user") throw error;
        err(error.toOperatorString());
        setExitCode(2);
        return;
      }

      const [dependencies, destinations] = await Promise.all([
        checkDependencies(loaded.config, options.timeout * 1000),
        checkDestinations(loaded.config, loaded.registry, {
          timeoutMs: options.timeout * 1000,
          write: options.writeTest === true,
          ...(deps.log ? { log: deps.log } : {}),
        }),
      ]);
      const results = [...dependencies, ...destinations];
      for (const result of results) out(formatCheckResult(result));
      if (destinations.length === 0) out("No enabled destination to check.");
      // Not a failure: the server runs without them, but end users are not offered them.
      for (const connector of loaded.registry.connectors()) {
        const reason = unavailableReason(loaded.registry, connector.name, loaded.config.providers[connector.name]);
        if (reason !== undefined) out(`– ${connector.name}  not offered to users: ${reason}`);
      }
      setExitCode(results.every((result) => result.ok) ? 0 : 1);
    });
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError("must be a positive number of seconds");
  return seconds;
}
