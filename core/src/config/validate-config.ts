import type { ErrorObject, ValidateFunction } from "ajv";
import type { DestinationPlugin } from "../contracts/destination.ts";
import { builtinDestinationTypes } from "../registry/builtin-plugins.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import { clusterNodeProblem } from "../queue/redis-client.ts";
import { parseEncryptionKey } from "../state/encryption-key.ts";
import { pointerSegments, problemsFromAjv } from "./ajv-problems.ts";
import { createConfigAjv } from "./config-ajv.ts";
import { destinationOwners } from "../developers/developers-from-config.ts";
import { checkDevelopers } from "./check-developers.ts";
import { ConfigError, formatPath, type ConfigProblem } from "./config-error.ts";
import { CONFIG_SCHEMA, type TributaryConfig } from "./config-schema.ts";
import { toPointer, type ConfigPath, type ConfigSource } from "./config-source.ts";
import { checkPublishedSecrets } from "./published-secrets.ts";
import { isSecretPath } from "./secrets.ts";

let compiledSchema: ValidateFunction | undefined;

function configValidator(): ValidateFunction {
  compiledSchema ??= createConfigAjv({ strict: true }).compile(CONFIG_SCHEMA);
  return compiledSchema;
}

/**
 * Checks a parsed config against the config schema (filling in defaults) and, given a plugin registry,
 * each destination's options against its plugin's optionsSchema. Throws one ConfigError listing every
 * problem; returns the config with defaults applied.
 */
export function validateConfigSource(source: ConfigSource, registry?: PluginRegistry): TributaryConfig {
  const problems: ConfigProblem[] = [...source.problems];
  const value = source.value;
  if (value === undefined) throw new ConfigError(source.file, problems);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.push({ path: "", line: 1, column: 1, message: "must be a mapping of settings (server:, api:, destinations: ...)" });
    throw new ConfigError(source.file, problems);
  }

  const plugins = registry ? destinationPlugins(value, registry) : new Map<number, DestinationPlugin<unknown>>();
  const isSecret = (path: ConfigPath) => isSecretPath(path, (index) => plugins.get(index)?.secretOptions ?? []);

  const errors = validateWithEnvCoercion(configValidator(), value, [], source);
  problems.push(...problemsFromAjv(errors, { source, basePath: [], data: value, isSecret }));

  const config = value as TributaryConfig;
  checkEncryptionKey(config, source, problems);
  checkRedisCluster(config, source, problems);
  checkDestinationNames(config, source, problems);
  checkDevelopers(config, source, problems, registry);
  checkPublishedSecrets(config, source, problems);
  if (registry) checkDestinationOptions(config, registry, plugins, source, problems, isSecret);
  if (registry) checkDestinationFormats(config, registry, plugins, source, problems);

  if (problems.length > 0) throw new ConfigError(source.file, withoutEchoes(problems, source));
  config.server.publicUrl ??= `http://localhost:${config.server.port}`;
  return config;
}

// One ajv per registry: plugins in different registries may reuse a schema $id, which one ajv rejects.
const validatorsByRegistry = new WeakMap<PluginRegistry, { ajv: ReturnType<typeof createConfigAjv>; compiled: Map<object, ValidateFunction> }>();

function optionsValidators(registry: PluginRegistry) {
  let validators = validatorsByRegistry.get(registry);
  if (!validators) {
    validators = { ajv: createConfigAjv({ strict: false }), compiled: new Map() };
    validatorsByRegistry.set(registry, validators);
  }
  return validators;
}

/** The plugin of each destination whose type the registry knows, by destination index. */
function destinationPlugins(value: object, registry: PluginRegistry): Map<number, DestinationPlugin<unknown>> {
  const known = new Map(registry.destinations().map((plugin) => [plugin.name, plugin]));
  const found = new Map<number, DestinationPlugin<unknown>>();
  const destinations = (value as { destinations?: unknown }).destinations;
  if (!Array.isArray(destinations)) return found;
  destinations.forEach((destination, index) => {
    const plugin = known.get((destination as { type?: unknown } | null)?.type as string);
    if (plugin) found.set(index, plugin);
  });
  return found;
}

/**
 * Runs an ajv validator, accepting environment-variable text where a number or boolean is expected:
 * a substituted value is always a string (`port: ${PORT}` gives "8080"), and only the schema knows it
 * should be a number. Literal YAML values are never coerced, so `url: 42` stays an error.
 */
function validateWithEnvCoercion(validate: ValidateFunction, data: unknown, basePath: ConfigPath, source: ConfigSource): ErrorObject[] {
  for (let round = 0; round < 3; round++) {
    if (validate(data)) return [];
    const errors = [...(validate.errors ?? [])];
    let coerced = false;
    for (const error of errors) {
      if (error.keyword !== "type" || typeof error.data !== "string") continue;
      const segments = pointerSegments(error.instancePath, data);
      if (!source.fromEnv.has(toPointer([...basePath, ...segments]))) continue;
      const converted = coerceText(error.data, (error.params as { type: unknown }).type);
      if (converted !== undefined && setAt(data, segments, converted)) coerced = true;
    }
    if (!coerced) return errors;
  }
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

function coerceText(text: string, type: unknown): number | boolean | undefined {
  const types = Array.isArray(type) ? type.map(String) : String(type).split(",");
  const trimmed = text.trim();
  if (types.includes("integer") && /^[+-]?\d+$/.test(trimmed)) return Number(trimmed);
  if (types.includes("number") && /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return Number(trimmed);
  if (types.includes("boolean") && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === "true";
  return undefined;
}

function setAt(data: unknown, segments: readonly (string | number)[], value: unknown): boolean {
  if (segments.length === 0) return false;
  let node = data as Record<string | number, unknown>;
  for (const segment of segments.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[segments[segments.length - 1] as string | number] = value;
  return true;
}

function checkEncryptionKey(config: TributaryConfig, source: ConfigSource, problems: ConfigProblem[]): void {
  if (typeof config.encryptionKey !== "string" || config.encryptionKey.trim() === "") return;
  try {
    parseEncryptionKey(config.encryptionKey);
  } catch (error) {
    // parseEncryptionKey reports the key's length, never the key.
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ path: "encryptionKey", ...source.locate(["encryptionKey"]), message: `${message} (openssl rand -base64 32)` });
  }
}

/** The startup nodes must open as one cluster: same credentials and scheme, database 0. */
function checkRedisCluster(config: TributaryConfig, source: ConfigSource, problems: ConfigProblem[]): void {
  const nodes = config.redis?.cluster;
  if (!Array.isArray(nodes) || !nodes.every((node) => typeof node === "string")) return;
  const problem = clusterNodeProblem(nodes);
  if (!problem) return;
  const path = ["redis", "cluster", problem.index];
  problems.push({ path: formatPath(path), ...source.locate(path), message: problem.message });
}

function checkDestinationNames(config: TributaryConfig, source: ConfigSource, problems: ConfigProblem[]): void {
  if (!Array.isArray(config.destinations)) return;
  const firstIndex = new Map<string, number>();
  config.destinations.forEach((destination, index) => {
    const name = (destination as { name?: unknown } | null)?.name;
    if (typeof name !== "string") return;
    const earlier = firstIndex.get(name);
    if (earlier === undefined) {
      firstIndex.set(name, index);
      return;
    }
    const path = ["destinations", index, "name"];
    problems.push({
      path: formatPath(path),
      ...source.locate(path),
      message: `"${name}" is already the name of destinations[${earlier}]; each destination needs its own name`,
    });
  });
}

function checkDestinationOptions(
  config: TributaryConfig,
  registry: PluginRegistry,
  plugins: ReadonlyMap<number, DestinationPlugin<unknown>>,
  source: ConfigSource,
  problems: ConfigProblem[],
  isSecret: (path: ConfigPath) => boolean,
): void {
  if (!Array.isArray(config.destinations)) return;
  const { ajv, compiled } = optionsValidators(registry);
  // Built-in destinations are loaded only when used: name them all, not only the loaded ones.
  const knownTypes = [...new Set([...builtinDestinationTypes(config.plugins), ...registry.destinations().map((plugin) => plugin.name)])].sort();

  config.destinations.forEach((destination, index) => {
    if (destination === null || typeof destination !== "object" || typeof destination.type !== "string") return;
    const plugin = plugins.get(index);
    if (!plugin) {
      const path = ["destinations", index, "type"];
      problems.push({
        path: formatPath(path),
        ...source.locate(path),
        message: `no destination plugin is named "${destination.type}"; known types: ${knownTypes.join(", ") || "none"} (a plugin from another package must be listed under plugins)`,
      });
      return;
    }
    const options = destination.options;
    if (options === null || typeof options !== "object" || Array.isArray(options)) return;
    const inherited = inheritSigningSecret(options, plugin, config, destination.name);

    let validate = compiled.get(plugin.optionsSchema);
    if (!validate) {
      try {
        validate = ajv.compile(plugin.optionsSchema);
      } catch (error) {
        const path = ["destinations", index, "type"];
        problems.push({
          path: formatPath(path),
          ...source.locate(path),
          message: `plugin "${plugin.name}" has an invalid optionsSchema (${error instanceof Error ? error.message : String(error)}); report it to the plugin's authors`,
        });
        return;
      }
      compiled.set(plugin.optionsSchema, validate);
    }
    const basePath = ["destinations", index, "options"];
    const errors = validateWithEnvCoercion(validate, options, basePath, source);
    const inheritedPath = formatPath([...basePath, "signingSecret"]);
    for (const problem of problemsFromAjv(errors, { source, basePath, data: options, isSecret })) {
      problems.push(
        inherited && problem.path === inheritedPath ? { ...problem, message: `${problem.message}, taken from its developer's signingSecret` } : problem,
      );
    }
  });
}

/** A `format` the destination's plugin does not deliver is refused at load, saying what to write instead. */
function checkDestinationFormats(
  config: TributaryConfig,
  registry: PluginRegistry,
  plugins: ReadonlyMap<number, DestinationPlugin<unknown>>,
  source: ConfigSource,
  problems: ConfigProblem[],
): void {
  if (!Array.isArray(config.destinations)) return;
  config.destinations.forEach((destination, index) => {
    const plugin = plugins.get(index);
    const format = destination?.format;
    if (!plugin || typeof format !== "string") return;
    const formats = plugin.formats ?? ["terra"];
    if (formats.includes(format)) return;
    const path = ["destinations", index, "format"];
    const elsewhere = registry
      .destinations()
      .filter((candidate) => candidate.formats?.includes(format))
      .map((candidate) => candidate.name);
    problems.push({
      path: formatPath(path),
      ...source.locate(path),
      message:
        `the ${plugin.name} destination delivers ${formats.map((f) => `format: ${f}`).join(" or ")} only, not format: ${format}; ` +
        (formats.length === 1 ? `remove the format line (or write format: ${formats[0]})` : `write one of them`) +
        (elsewhere.length > 0 ? `, and send FIT files to a destination that takes them (${elsewhere.join(", ")})` : ""),
    });
  });
}

/**
 * The signingSecret of the developer a destination belongs to is the default for the destination when its
 * plugin has a `signingSecret` option and the file leaves it out or empty (`${VAR:-}` with VAR unset).
 */
function inheritSigningSecret(options: Record<string, unknown>, plugin: DestinationPlugin<unknown>, config: TributaryConfig, destination: string): boolean {
  const properties = (plugin.optionsSchema as { properties?: Record<string, unknown> }).properties;
  const owner = destinationOwners(config).get(destination);
  const account = owner === config.api?.devId ? config.api : config.developers?.find((developer) => developer.devId === owner);
  const fallback = account?.signingSecret;
  const unset = options.signingSecret === undefined || options.signingSecret === "";
  if (!properties || !("signingSecret" in properties) || !unset || typeof fallback !== "string") return false;
  options.signingSecret = fallback;
  return true;
}

/**
 * An unresolved environment reference is reported once: drop the schema's complaints about the value it
 * left empty, at the same place or inside it. Then order the problems as they appear in the file.
 */
function withoutEchoes(problems: readonly ConfigProblem[], source: ConfigSource): ConfigProblem[] {
  const own = new Set(source.problems);
  const echoes = (problem: ConfigProblem) =>
    !own.has(problem) &&
    [...source.unresolved].some((path) => problem.path === path || problem.path.startsWith(`${path}.`) || problem.path.startsWith(`${path}[`));
  const kept = problems.filter((problem) => !echoes(problem));
  return kept.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}
