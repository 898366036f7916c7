import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import type { ClientSettings } from "../auth/oauth-client.ts";
import { connectFlowKinds, connectorSpecOf } from "../services/connect-flow-kind.ts";
import type { ProviderCard } from "./pages.ts";

/**
 * The cards of the connect page, from the registered connectors: name, display name, icon and how the
 * user connects. A spec's icon file (checked when the connector was loaded: an SVG without scripting)
 * is inlined as a data URL, read once.
 */
export function createProviderCards(
  registry: Pick<PluginRegistry, "hasConnector" | "connector">,
  providers: Readonly<Record<string, ClientSettings | undefined>> = {},
) {
  const icons = new Map<string, string | undefined>();

  const iconOf = (provider: string): string | undefined => {
    if (icons.has(provider)) return icons.get(provider);
    const connector = registry.connector(provider) as { icon?: string; dir?: string; spec?: { icon?: string } };
    const spec = connectorSpecOf(registry, provider);
    const declared = spec?.icon ?? connector.icon;
    let icon: string | undefined;
    if (declared !== undefined && /^(https:|data:image\/)/i.test(declared)) icon = declared;
    else if (declared !== undefined && connector.dir !== undefined) {
      try {
        icon = `data:image/svg+xml;base64,${readFileSync(resolve(connector.dir, declared)).toString("base64")}`;
      } catch {
        icon = undefined;
      }
    }
    icons.set(provider, icon);
    return icon;
  };

  return (provider: string): ProviderCard => {
    if (!registry.hasConnector(provider)) return { name: provider, displayName: provider };
    const connector = registry.connector(provider);
    const displayName = connectorSpecOf(registry, provider)?.displayName ?? connector.displayName ?? provider;
    const icon = iconOf(provider);
    const [flow, ...alternatives] = connectFlowKinds(registry, provider, providers);
    return { name: provider, displayName, ...(icon ? { icon } : {}), ...(flow ? { flow } : {}), ...(alternatives.length > 0 ? { alternatives } : {}) };
  };
}
