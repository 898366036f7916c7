import type { RuntimeConnector } from "../connectors/runtime-connector.ts";
import type { Developer } from "../developers/developer.ts";
import { unavailableReason } from "../services/provider-availability.ts";
import type { V2Context } from "./v2-api.ts";

/**
 * Whether the server offers the provider at all: a loaded connector the config does not disable, that
 * users can connect here (an OAuth provider needs a client: see unavailableReason).
 */
export function isEnabledProvider(v2: Pick<V2Context, "services" | "config">, provider: string): boolean {
  return unavailableReason(v2.services.registry, provider, v2.config.providers[provider]) === undefined;
}

/** Whether the developer can connect users of the provider. */
export function offers(v2: Pick<V2Context, "services" | "config">, developer: Developer | undefined, provider: string): boolean {
  return isEnabledProvider(v2, provider) && (developer?.providers === undefined || developer.providers.has(provider));
}

/** The providers the developer offers (every enabled one without a developer), in registry order. */
export function offeredConnectors(v2: Pick<V2Context, "services" | "config">, developer: Developer | undefined): RuntimeConnector[] {
  return v2.services.registry.connectors().filter((connector) => offers(v2, developer, connector.name));
}
