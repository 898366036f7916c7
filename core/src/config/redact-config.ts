import { percentDecoded } from "../contracts/percent-decoding.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import type { TributaryConfig } from "./config-schema.ts";
import { isSecretPath, maskUrlPassword, REDACTED, urlPassword } from "./secrets.ts";

/**
 * A copy of the config that is safe to log or print: every secret replaced by "[redacted]" and passwords
 * inside URLs masked. Empty secrets stay empty, so a log still shows that one was not set. Pass the
 * registry to also honour each destination plugin's `secretOptions`.
 */
export function redactConfig(config: TributaryConfig, registry?: PluginRegistry): TributaryConfig {
  const secretOptions = secretOptionsOf(config, registry);
  const visit = (value: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]));
    }
    const secret = isSecretPath(path, secretOptions);
    if (typeof value === "string") return value !== "" && secret ? REDACTED : maskUrlPassword(value);
    return typeof value === "number" && secret ? REDACTED : value;
  };
  return visit(config, []) as TributaryConfig;
}

/** Every non-empty secret value in the config, for scrubbing text we do not control. */
export function configSecrets(config: TributaryConfig, registry?: PluginRegistry): string[] {
  const secretOptions = secretOptionsOf(config, registry);
  const found: string[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (value !== null && typeof value === "object") Object.entries(value).forEach(([key, item]) => visit(item, [...path, key]));
    else if (typeof value === "string" && value !== "") {
      if (isSecretPath(path, secretOptions)) found.push(value);
      const password = urlPassword(value);
      if (password) found.push(password, percentDecoded(password));
    }
  };
  visit(config, []);
  return found;
}

function secretOptionsOf(config: TributaryConfig, registry?: PluginRegistry): (index: number) => readonly string[] {
  return (index) => {
    const type = config.destinations?.[index]?.type;
    if (!registry || !type) return [];
    try {
      return registry.destination(type).secretOptions ?? [];
    } catch {
      return [];
    }
  };
}
