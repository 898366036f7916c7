import { authMethods, workingAuthMethods } from "../auth/auth-methods.ts";
import type { ClientSettings } from "../auth/oauth-client.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import { connectorSpecOf } from "./connect-flow-kind.ts";

type Registry = Pick<PluginRegistry, "hasConnector" | "connector">;

/**
 * Why end users cannot connect a loaded provider here, or undefined when they can: disabled by the
 * config, or an OAuth provider with no client (none configured, none published by the provider). A
 * provider that connects some other way (a token, a partner integration, SANDBOX) always can.
 */
export function unavailableReason(registry: Registry, provider: string, settings: (ClientSettings & { enabled?: boolean }) | undefined): string | undefined {
  if (!registry.hasConnector(provider)) return "no connector is loaded for it";
  if (settings?.enabled === false) return `providers.${provider}.enabled is false`;
  const spec = connectorSpecOf(registry, provider);
  if (spec === undefined) return undefined;
  const methods = authMethods(spec.auth);
  const oauthOnly = methods.every((method) => method.type === "oauth2" || method.type === "oauth2_password");
  if (oauthOnly && workingAuthMethods(provider, spec.auth, settings).length === 0) {
    return `providers.${provider}.clientId is not set and ${provider} publishes no public client — register an application with ${provider} and set its clientId and clientSecret`;
  }
  return undefined;
}
