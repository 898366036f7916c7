import type { PluginRegistry } from "../registry/plugin-registry.ts";
import { configuredKeyDigest } from "../developers/api-key.ts";
import { formatPath, type ConfigProblem } from "./config-error.ts";
import type { TributaryConfig } from "./config-schema.ts";
import type { ConfigPath, ConfigSource } from "./config-source.ts";

/**
 * What the schema cannot say about developer accounts: there is at least one; dev-ids and keys are each
 * one account's; every destination a developer lists exists and belongs to that developer alone; without
 * a default account (`api:`) every enabled destination has an owner; listed providers exist.
 */
export function checkDevelopers(config: TributaryConfig, source: ConfigSource, problems: ConfigProblem[], registry?: PluginRegistry): void {
  const report = (path: ConfigPath, message: string) => problems.push({ path: formatPath(path), ...source.locate(path), message });
  const developers = Array.isArray(config.developers) ? config.developers : [];
  if (!config.api && developers.length === 0) {
    problems.push({
      path: "api",
      line: 1,
      column: 1,
      message: "is required (the default developer account of the REST API, api: { apiKeys: [...] }), unless developers: lists the accounts",
    });
    return;
  }

  const accounts: Array<{ path: ConfigPath; devId: unknown; apiKeys: unknown; providers?: unknown }> = [
    ...(config.api ? [{ path: ["api"] as ConfigPath, ...config.api }] : []),
    ...developers.map((developer, index) => ({ path: ["developers", index] as ConfigPath, ...developer })),
  ];
  const devIds = new Map<string, string>();
  const keyOwners = new Map<string, string>();
  for (const account of accounts) {
    const where = formatPath(account.path);
    if (typeof account.devId === "string") {
      const earlier = devIds.get(account.devId);
      if (earlier !== undefined) report([...account.path, "devId"], `"${account.devId}" is already the devId of ${earlier}; each developer needs its own`);
      else devIds.set(account.devId, where);
    }
    if (Array.isArray(account.apiKeys)) {
      account.apiKeys.forEach((key, index) => {
        if (typeof key !== "string" || key.length < 16) return;
        const digest = configuredKeyDigest(key).toString("hex");
        const earlier = keyOwners.get(digest);
        // The key itself is a secret: say where its twin is, never what it is.
        if (earlier !== undefined && earlier !== where)
          report([...account.path, "apiKeys", index], `is also an API key of ${earlier}; give each developer keys of its own`);
        else keyOwners.set(digest, where);
      });
    }
    if (registry && Array.isArray(account.providers)) {
      account.providers.forEach((provider, index) => {
        if (typeof provider === "string" && !registry.hasConnector(provider)) {
          const known = registry.connectors().map((connector) => connector.name);
          report([...account.path, "providers", index], `no connector is named "${provider}"; loaded connectors: ${known.join(", ") || "none"}`);
        }
      });
    }
  }

  const destinationNames = new Set((config.destinations ?? []).map((destination) => destination.name));
  const claimedBy = new Map<string, string>();
  developers.forEach((developer, index) => {
    if (!Array.isArray(developer.destinations)) return;
    developer.destinations.forEach((name, position) => {
      const path: ConfigPath = ["developers", index, "destinations", position];
      if (!destinationNames.has(name)) {
        report(path, `no destination is named "${name}"; declared destinations: ${[...destinationNames].join(", ") || "none"}`);
        return;
      }
      const earlier = claimedBy.get(name);
      if (earlier !== undefined) report(path, `destination "${name}" already belongs to ${earlier}; a destination receives one developer's data only`);
      else claimedBy.set(name, `developers[${index}]`);
    });
  });
  if (!config.api) {
    (config.destinations ?? []).forEach((destination, index) => {
      if (destination.enabled === false || claimedBy.has(destination.name)) return;
      report(
        ["destinations", index, "name"],
        `"${destination.name}" belongs to no developer: list it under a developer's destinations, or declare the default developer (api:)`,
      );
    });
  }
}
