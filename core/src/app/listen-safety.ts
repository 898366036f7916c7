import type { TributaryConfig } from "../config/config-schema.ts";
import { formatPath } from "../config/config-error.ts";
import { publishedSecretPaths } from "../config/published-secrets.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/**
 * The built-in demo config runs with published secrets (API key, signing secret), which is safe only
 * while nobody else can reach it. A config file with one is refused when it is loaded; this refuses the
 * demo config on any interface other than loopback.
 */
export function assertSafeToListen(config: TributaryConfig, host: string): void {
  if (LOOPBACK.test(host)) return;
  const published = publishedSecretPaths(config);
  if (published.length === 0) return;
  throw new UserError(ErrorCodes.CONFIG_INVALID, `Refusing to listen on ${host} with published demo secrets (${published.map(formatPath).join(", ")})`, {
    hint: "The built-in demo config listens on this machine only. Write a config file with your own secrets (see tributary.example.yaml) to serve others.",
  });
}
