import type { TributaryConfig } from "./config-schema.ts";
import { DEFAULT_CONFIG_FILE, parseConfigSource } from "./config-source.ts";
import { validateConfigSource } from "./validate-config.ts";

export { DEFAULT_CONFIG_FILE };

/**
 * What runs when there is no config file: the offline demo, with the SANDBOX provider and no destination.
 * It listens on 127.0.0.1 only, and its API key and signing secret are public demo values unless the
 * environment sets them — the reason a real deployment needs its own file.
 */
export const DEFAULT_CONFIG_YAML = `
server: { host: 127.0.0.1, port: 3000 }
redis: { url: \${REDIS_URL:-redis://127.0.0.1:6379} }
database: { url: \${DATABASE_URL:-} }
dataDir: .tributary
encryptionKey: \${TRIBUTARY_ENCRYPTION_KEY:-}
api:
  devId: tributary-demo
  apiKeys: [ \${TRIBUTARY_API_KEY:-tributary-demo-api-key} ]
  signingSecret: \${TRIBUTARY_SIGNING_SECRET:-tributary-demo-signing-secret}
providers:
  SANDBOX: { enabled: true }
destinations: []
`;

/** The embedded demo config, with REDIS_URL, DATABASE_URL and the TRIBUTARY_* variables applied. */
export function defaultConfig(env: Readonly<Record<string, string | undefined>> = process.env): TributaryConfig {
  return validateConfigSource(parseConfigSource(DEFAULT_CONFIG_YAML, DEFAULT_CONFIG_FILE, env));
}
