import type { TributaryConfig } from "../config/config-schema.ts";
import { configuredKeyDigest } from "./api-key.ts";
import type { Developer } from "./developer.ts";

/**
 * Which developer each destination of the config belongs to: the one whose `destinations` lists it, else
 * the default developer (`api:`). A destination nobody can own is left out (the config check reports it).
 */
export function destinationOwners(config: Pick<TributaryConfig, "api" | "developers" | "destinations">): Map<string, string> {
  const owners = new Map<string, string>();
  for (const developer of config.developers ?? []) {
    for (const name of developer.destinations ?? []) if (!owners.has(name)) owners.set(name, developer.devId);
  }
  const fallback = config.api?.devId;
  for (const destination of config.destinations ?? []) {
    if (!owners.has(destination.name) && fallback !== undefined) owners.set(destination.name, fallback);
  }
  return owners;
}

/** Every developer account of the config, the default one (`api:`) first; keys are kept as digests only. */
export function developersFromConfig(config: Pick<TributaryConfig, "api" | "developers" | "destinations">): Developer[] {
  const owners = destinationOwners(config);
  const ownedBy = (devId: string) => new Set([...owners].filter(([, owner]) => owner === devId).map(([name]) => name));
  const accounts: Developer[] = [];
  const add = (entry: NonNullable<TributaryConfig["api"]>, isDefault: boolean) =>
    accounts.push({
      devId: entry.devId,
      keyDigests: entry.apiKeys.map(configuredKeyDigest),
      ...(entry.signingSecret ? { signingSecret: entry.signingSecret } : {}),
      ...(entry.providers ? { providers: new Set(entry.providers) } : {}),
      destinations: ownedBy(entry.devId),
      isDefault,
    });
  if (config.api) add(config.api, true);
  for (const developer of config.developers ?? []) add(developer, false);
  return accounts;
}
