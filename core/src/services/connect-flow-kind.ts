import type { ConnectorSpec } from "@tributary/schemas";
import type { PluginRegistry } from "../registry/plugin-registry.ts";

/**
 * How an end user connects a provider, as the widget offers it:
 * - redirect: OAuth 2 authorization code (with state and PKCE) at the provider's consent page;
 * - password: the provider's password grant, through our credentials form (Xert);
 * - token: a bearer token or API key the user pastes into our form;
 * - direct: nothing to ask (SANDBOX): connected at once.
 */
export type ConnectFlowKind = "redirect" | "password" | "token" | "direct";

/** The connector spec of a registered connector. */
export function connectorSpecOf(registry: Pick<PluginRegistry, "hasConnector" | "connector">, provider: string): ConnectorSpec | undefined {
  return registry.hasConnector(provider) ? registry.connector(provider).definition.spec : undefined;
}

/**
 * The flow a provider's users connect with here; undefined when this server cannot run it (a flow
 * needing a spec the connector does not have, or a partner integration the partner connects itself).
 */
export function connectFlowKind(registry: Pick<PluginRegistry, "hasConnector" | "connector">, provider: string): ConnectFlowKind | undefined {
  if (!registry.hasConnector(provider)) return undefined;
  const spec = connectorSpecOf(registry, provider);
  const type = spec?.auth.type ?? registry.connector(provider).auth.type;
  if (type === "none") return "direct";
  if (spec === undefined) return undefined;
  switch (type) {
    case "oauth2":
      return "redirect";
    case "oauth2_password":
      return "password";
    case "bearer_token":
    case "api_key":
      return "token";
    default:
      return undefined;
  }
}
