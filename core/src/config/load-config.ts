import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createPluginRegistry, type PluginRegistry } from "../registry/plugin-registry.ts";
import { builtinDestinationPackage, isBuiltinDestinationPackage } from "../registry/builtin-plugins.ts";
import { ConfigError } from "./config-error.ts";
import type { TributaryConfig } from "./config-schema.ts";
import { parseConfigSource, type ConfigSource } from "./config-source.ts";
import { DEFAULT_CONFIG_FILE, DEFAULT_CONFIG_YAML } from "./default-config.ts";
import { validateConfigSource } from "./validate-config.ts";

export const CONFIG_PATH_ENV = "TRIBUTARY_CONFIG";
export const DEFAULT_CONFIG_PATH = "tributary.yaml";

export interface LoadConfigOptions {
  /** Config file; else $TRIBUTARY_CONFIG, else ./tributary.yaml when it exists, else the built-in demo. */
  path?: string | undefined;
  /** Variables for ${VAR} references and TRIBUTARY_CONFIG. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** When given, each destination's type must be one of its plugins and its options must fit the plugin's schema. */
  registry?: PluginRegistry;
  /** Where ./tributary.yaml is looked for. @default process.cwd() */
  cwd?: string;
}

/**
 * Reads, resolves and validates the operator's config. Throws a ConfigError (ERR_CONFIG_INVALID) listing
 * every problem with its place in the file.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<TributaryConfig> {
  return validateConfigSource((await readConfigSource(options)).source, options.registry);
}

/**
 * Loads the config, then the plugins it lists into a registry (a fresh one unless given), then checks
 * the destinations against those plugins: what a command that starts Tributary needs.
 */
export async function loadConfigWithPlugins(
  options: Omit<LoadConfigOptions, "registry"> & { registry?: PluginRegistry } = {},
): Promise<{ config: TributaryConfig; registry: PluginRegistry }> {
  const { source, baseDir } = await readConfigSource(options);
  // The plugin list must be valid before anything is imported from it; validate a copy so the check with
  // the registry starts from the file's own values again.
  const config = validateConfigSource(structuredCloneSource(source));
  const registry = options.registry ?? createPluginRegistry();
  await registry.load(pluginsToLoad(config).map((specifier) => pluginSpecifier(specifier, baseDir)));
  return { config: validateConfigSource(source, registry), registry };
}

/** Which file a load would read, or undefined for the built-in defaults. */
export function resolveConfigPath(options: Pick<LoadConfigOptions, "path" | "env" | "cwd"> = {}): string | undefined {
  const env = options.env ?? process.env;
  const explicit = options.path ?? (env[CONFIG_PATH_ENV] || undefined);
  if (explicit !== undefined) return explicit;
  const local = resolve(options.cwd ?? process.cwd(), DEFAULT_CONFIG_PATH);
  return existsSync(local) ? local : undefined;
}

/** Parses config text that did not come from a file (tests, an embedded or generated config). */
export function parseConfig(
  text: string,
  options: { file?: string; env?: Readonly<Record<string, string | undefined>>; registry?: PluginRegistry } = {},
): TributaryConfig {
  return validateConfigSource(parseConfigSource(text, options.file ?? "config", options.env ?? process.env), options.registry);
}

/** The source, and the folder relative plugin paths in it are resolved from (the file's own). */
async function readConfigSource(options: LoadConfigOptions): Promise<{ source: ConfigSource; baseDir: string }> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const path = resolveConfigPath({ ...options, env });
  if (path === undefined) return { source: parseConfigSource(DEFAULT_CONFIG_YAML, DEFAULT_CONFIG_FILE, env), baseDir: cwd };
  // Errors name the file the way the operator wrote it, or relative to where they are.
  const inside = relative(cwd, path);
  const label = isAbsolute(path) && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "the file does not exist" : (error as Error).message;
    throw new ConfigError(label, [{ path: "", message: `cannot read the config file: ${reason}` }]);
  }
  return { source: parseConfigSource(text, label, env), baseDir: dirname(resolve(cwd, path)) };
}

/**
 * Package names are imported as they are; a path ("./plugins/acme.ts") is taken relative to the config
 * file, as an operator reading the file would expect, not to wherever the registry's code lives.
 */
function pluginSpecifier(specifier: string, baseDir: string): string {
  const isPath = specifier.startsWith("./") || specifier.startsWith("../") || isAbsolute(specifier);
  return isPath ? pathToFileURL(resolve(baseDir, specifier)).href : specifier;
}

function structuredCloneSource(source: ConfigSource): ConfigSource {
  return { ...source, value: structuredClone(source.value), problems: [...source.problems] };
}

/**
 * Built-in destination packages pull in heavy SDKs (gRPC for Firestore, the AWS SDK, the MongoDB driver):
 * from the built-in list, load only the destinations the config enables, so a process carries only what
 * it uses. Plugins the operator lists elsewhere are always loaded.
 */
function pluginsToLoad(config: TributaryConfig): string[] {
  const used = new Set(config.destinations.filter((d) => d.enabled !== false).map((d) => builtinDestinationPackage(d.type)));
  return config.plugins.filter((specifier) => !isBuiltinDestinationPackage(specifier) || used.has(specifier));
}
