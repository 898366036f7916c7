import type { DestinationConfig } from "../config/config-schema.ts";
import { loadConfigWithPlugins } from "../config/load-config.ts";
import type { DestinationPlugin } from "../contracts/destination.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";

/** The name of the demo's own local receiver among its destinations. */
export const DEMO_RECEIVER = "demo-receiver";

/**
 * The destinations of an operator's config file, lent to the demo when it is asked for them
 * (`tributary demo --config <file>`): only the destinations and their plugins. The config's database,
 * data folder and queues stay the deployment's; the demo keeps its own.
 */
export interface DemoConfigDestinations {
  /** The file, as the operator named it. */
  file: string;
  /** Its enabled destinations, in config order. */
  entries: DestinationConfig[];
  /** The destination plugins those entries use. */
  plugins: DestinationPlugin<unknown>[];
}

export async function loadDemoConfigDestinations(file: string): Promise<DemoConfigDestinations> {
  const { config, registry } = await loadConfigWithPlugins({ path: file });
  const entries = config.destinations.filter((entry) => entry.enabled !== false);
  if (entries.length === 0) {
    throw new UserError(ErrorCodes.CONFIG_INVALID, `${file} has no enabled destination for the demo to deliver to`, {
      hint: "Add a destination to the file (see tributary.example.yaml), or run the demo without --config.",
    });
  }
  if (entries.some((entry) => entry.name === DEMO_RECEIVER)) {
    throw new UserError(ErrorCodes.CONFIG_INVALID, `${file} has a destination named "${DEMO_RECEIVER}", the demo's own receiver`, {
      hint: `Rename that destination in the file, e.g. to "${DEMO_RECEIVER}-2".`,
    });
  }
  const types = new Set(entries.map((entry) => entry.type));
  return { file, entries, plugins: registry.destinations().filter((plugin) => types.has(plugin.name)) };
}

/** Adds the plugins the demo's registry does not hold yet (both load the webhook destination). */
export function registerDestinationPlugins(registry: PluginRegistry, plugins: readonly DestinationPlugin<unknown>[]): void {
  const present = new Set(registry.destinations().map((plugin) => plugin.name));
  for (const plugin of plugins) if (!present.has(plugin.name)) registry.register(plugin);
}

/** "lake (s3, format both), hooks (webhook)": what the demo says it also delivers to. */
export function describeConfigDestinations(destinations: DemoConfigDestinations): string {
  return destinations.entries.map((entry) => `${entry.name} (${entry.type}${entry.format !== "terra" ? `, format ${entry.format}` : ""})`).join(", ");
}
