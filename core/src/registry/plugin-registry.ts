import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { compileConnector } from "../connectors/compile-connector.ts";
import type { RuntimeConnector } from "../connectors/runtime-connector.ts";
import type { DestinationPlugin } from "../contracts/destination.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import { loadConnectorFile, resolveConnectorSpecFile } from "../spec/load-connector.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

export type Plugin = ConnectorDefinition | DestinationPlugin<unknown>;

/**
 * Finds connectors and destinations by name. Core never imports a particular plugin: plugins arrive as
 * module specifiers (from the operator's config or the built-in default list) and are imported here; a
 * specifier naming a connector.yaml (a file, a folder holding one, or a package that is only a spec) is
 * read as a YAML connector, with no code. Connector definitions are compiled for the runtime when they
 * are registered.
 */
export interface PluginRegistry {
  register(plugin: Plugin): void;
  /** Import plugin modules (default export, or `plugins`: a plugin or an array of them) and read YAML connectors. */
  load(specifiers: readonly string[], options?: { baseDir?: string }): Promise<void>;
  connector(name: string): RuntimeConnector;
  destination(name: string): DestinationPlugin<unknown>;
  hasConnector(name: string): boolean;
  connectors(): RuntimeConnector[];
  destinations(): DestinationPlugin<unknown>[];
}

function isPlugin(value: unknown): value is Plugin {
  const candidate = value as { kind?: unknown; name?: unknown; spec?: { name?: unknown } } | null;
  if (candidate?.kind === "destination") return typeof candidate.name === "string";
  return candidate?.kind === "connector" && typeof candidate.spec?.name === "string";
}

export function createPluginRegistry(initial: readonly Plugin[] = []): PluginRegistry {
  const connectors = new Map<string, RuntimeConnector>();
  const destinations = new Map<string, DestinationPlugin<unknown>>();

  const duplicate = (kind: string, name: string) =>
    new UserError(ErrorCodes.PLUGIN_DUPLICATE, `Two ${kind} plugins are named "${name}"`, { hint: "Remove one of them from the plugin list." });

  const register = (plugin: Plugin) => {
    if (plugin.kind === "connector") {
      const name = plugin.spec.name;
      if (connectors.has(name)) throw duplicate("connector", name);
      connectors.set(name, compileConnector(plugin));
      return;
    }
    if (destinations.has(plugin.name)) throw duplicate("destination", plugin.name);
    destinations.set(plugin.name, plugin);
  };
  initial.forEach(register);

  return {
    register,
    async load(specifiers, options = {}) {
      for (const specifier of specifiers) {
        // A package is looked for from the config's folder, then where core itself finds packages (as import() does).
        const specFile = resolveConnectorSpecFile(specifier, options.baseDir ?? process.cwd()) ?? resolveConnectorSpecFile(specifier, HERE);
        if (specFile !== undefined) {
          register(loadConnectorFile(specFile));
          continue;
        }
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
            hint: "Its default export must be defineConnector(…) or defineDestination(…), or an array of them; a YAML connector is named by its connector.yaml or folder.",
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
