import type { ConnectorDefinition } from "../contracts/connector.ts";
import type { DestinationPlugin } from "../contracts/destination.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

export type Plugin = ConnectorDefinition | DestinationPlugin<any>;

/**
 * Finds connectors and destinations by name. Core never imports a particular plugin: plugins arrive as
 * module specifiers (from the operator's config or the built-in default list) and are imported here.
 */
export interface PluginRegistry {
  register(plugin: Plugin): void;
  /** Import modules whose default export (or `plugins` export) is a plugin or an array of plugins. */
  load(specifiers: readonly string[]): Promise<void>;
  connector(name: string): ConnectorDefinition;
  destination(name: string): DestinationPlugin<any>;
  hasConnector(name: string): boolean;
  connectors(): ConnectorDefinition[];
  destinations(): DestinationPlugin<any>[];
}

function isPlugin(value: unknown): value is Plugin {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return (kind === "connector" || kind === "destination") && typeof (value as { name?: unknown }).name === "string";
}

export function createPluginRegistry(initial: readonly Plugin[] = []): PluginRegistry {
  const connectors = new Map<string, ConnectorDefinition>();
  const destinations = new Map<string, DestinationPlugin<any>>();

  const register = (plugin: Plugin) => {
    const map: Map<string, Plugin> = plugin.kind === "connector" ? connectors : destinations;
    if (map.has(plugin.name)) {
      throw new UserError(ErrorCodes.PLUGIN_DUPLICATE, `Two ${plugin.kind} plugins are named "${plugin.name}"`, {
        hint: "Remove one of them from the plugin list.",
      });
    }
    map.set(plugin.name, plugin);
  };
  initial.forEach(register);

  return {
    register,
    async load(specifiers) {
      for (const specifier of specifiers) {
        let module: Record<string, unknown>;
        try {
          module = (await import(specifier)) as Record<string, unknown>;
        } catch (cause) {
          throw new UserError(ErrorCodes.PLUGIN_LOAD, `Cannot import plugin module "${specifier}"`, {
            cause,
            hint: "Install the package (pnpm add <name>) or fix the path in the plugins list.",
          });
        }
        const exported = module.default ?? module.plugins;
        const plugins = Array.isArray(exported) ? exported : [exported];
        if (!plugins.every(isPlugin)) {
          throw new UserError(ErrorCodes.PLUGIN_INVALID, `Module "${specifier}" does not export a plugin`, {
            hint: "Its default export must be defineConnector(…) or defineDestination(…), or an array of them.",
          });
        }
        plugins.forEach(register);
      }
    },
    connector(name) {
      const found = connectors.get(name);
      if (!found) throw unknown("connector", name, [...connectors.keys()]);
      return found;
    },
    destination(name) {
      const found = destinations.get(name);
      if (!found) throw unknown("destination", name, [...destinations.keys()]);
      return found;
    },
    hasConnector: (name) => connectors.has(name),
    connectors: () => [...connectors.values()],
    destinations: () => [...destinations.values()],
  };
}

function unknown(kind: string, name: string, known: string[]) {
  return new UserError(ErrorCodes.PLUGIN_UNKNOWN, `No ${kind} plugin named "${name}"`, {
    hint: `Known ${kind}s: ${known.join(", ") || "none"}. Check the name or add its package to the plugins list.`,
  });
}
