import type { ConnectorSpec } from "@tributary/schemas";
import { workingAuthMethods } from "../auth/auth-methods.ts";
import type { ClientSettings } from "../auth/oauth-client.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";

/**
 * How an end user connects a provider, as the widget offers it:
 * - redirect: OAuth 2 authorization code (with state and PKCE) at the provider's consent page;
 * - password: the provider's password grant, through our credentials form (Xert);
 * - token: a bearer token or API key the user pastes into our form;
 * - direct: nothing to ask (SANDBOX): connected at once.
 */
export type ConnectFlowKind = "redirect" | "password" | "token" | "direct";

export const CONNECT_FLOW_KINDS: readonly ConnectFlowKind[] = ["redirect", "password", "token", "direct"];

type Registry = Pick<PluginRegistry, "hasConnector" | "connector">;
type Providers = Readonly<Record<string, ClientSettings | undefined>>;

/** The connector spec of a registered connector. */
export function connectorSpecOf(registry: Registry, provider: string): ConnectorSpec | undefined {
  return registry.hasConnector(provider) ? registry.connector(provider).definition.spec : undefined;
}

/**
 * The flows a provider's users can connect with here, the main one first: one per auth method of the
 * spec (its `auth` and `auth.alternatives`) that this server can run — an OAuth method needs a client,
 * configured (`providers.<NAME>.clientId`) or published by the provider. Empty when there is none (a
 * partner integration the partner connects itself, an OAuth provider without a client).
 */
export function connectFlowKinds(registry: Registry, provider: string, providers: Providers = {}): ConnectFlowKind[] {
  const spec = connectorSpecOf(registry, provider);
  if (spec === undefined) return [];
  if (spec.auth.type === "none") return ["direct"];
  const kinds: ConnectFlowKind[] = [];
  for (const method of workingAuthMethods(provider, spec.auth, providers[provider])) {
    const kind = flowKindOfAuth(method.type);
    if (kind !== undefined && !kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}

/** The main flow of a provider here; undefined when this server cannot run any. */
export function connectFlowKind(registry: Registry, provider: string, providers: Providers = {}): ConnectFlowKind | undefined {
  return connectFlowKinds(registry, provider, providers)[0];
}

/** The flow an auth type is connected with. */
export function flowKindOfAuth(type: string): ConnectFlowKind | undefined {
  switch (type) {
    case "oauth2":
      return "redirect";
    case "oauth2_password":
      return "password";
    case "bearer_token":
    case "api_key":
      return "token";
    case "none":
      return "direct";
    default:
      return undefined;
  }
}
