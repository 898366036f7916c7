import type { ConfigProblem } from "./config-error.ts";
import { formatPath } from "./config-error.ts";
import { DEFAULT_CONFIG_FILE, type ConfigPath, type ConfigSource } from "./config-source.ts";

/**
 * Secret values Tributary has published — the demo config's, and the example file's former fallback push
 * secret. Anyone can sign provider pushes or call the API with them, so only the demo (the built-in config,
 * listening on this machine only) may run with one.
 */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set(["tributary-demo-api-key", "tributary-demo-signing-secret", "sandbox-push-secret"]);

/** Where in the config a published secret is used. */
export function publishedSecretPaths(value: unknown, path: ConfigPath = []): ConfigPath[] {
  if (typeof value === "string") return PUBLISHED_SECRETS.has(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => publishedSecretPaths(item, [...path, index]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => publishedSecretPaths(item, [...path, key]));
  return [];
}

/** A config file (anything but the built-in demo) must not run with a published secret. */
export function checkPublishedSecrets(config: unknown, source: ConfigSource, problems: ConfigProblem[]): void {
  if (source.file === DEFAULT_CONFIG_FILE) return;
  for (const path of publishedSecretPaths(config)) {
    problems.push({
      path: formatPath(path),
      ...source.locate(path),
      message: "is a secret published with Tributary's demo and examples, which anyone can use; set your own (openssl rand -hex 32)",
    });
  }
}
