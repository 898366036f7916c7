import type { TributaryConfig } from "../config/config-schema.ts";
import type { Destination } from "../contracts/destination.ts";
import type { Logger } from "../log/logger.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import type { ActiveDestination } from "../runtime/runtime-context.ts";
import { destinationOwners } from "../developers/developers-from-config.ts";

/**
 * One destination per enabled config entry, in config order, each receiving the event types its entry
 * lists, of the developer it belongs to, at the rate it allows. Creating is cheap (destinations connect
 * lazily), so every process builds them all.
 */
export function buildDestinations(
  config: Pick<TributaryConfig, "destinations" | "api" | "developers">,
  registry: PluginRegistry,
  log: Logger,
): Map<string, ActiveDestination> {
  const owners = destinationOwners(config);
  const built = new Map<string, ActiveDestination>();
  const lookup = (name: string): Destination | undefined => built.get(name)?.destination;
  for (const entry of config.destinations) {
    if (entry.enabled === false) continue;
    const destination = registry.destination(entry.type).create(entry.options, {
      name: entry.name,
      log: log.child({ destination: entry.name }),
      lookup,
      format: entry.format ?? "terra",
    });
    const developer = owners.get(entry.name);
    built.set(entry.name, {
      destination,
      events: new Set(entry.events),
      ...(developer !== undefined ? { developer } : {}),
      ...(entry.rateLimit ? { rateLimit: entry.rateLimit } : {}),
    });
  }
  return built;
}
