import type { AuthSpec, ConnectorSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderTransport } from "../provider-http/transport.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";
import { authFlowError } from "./auth-errors.ts";
import { resolveOAuthClient, type OAuthAuthSpec } from "./oauth-client.ts";
import { createTokenEndpoint, type TokenEndpoint } from "./token-endpoint.ts";

/** One provider's auth, resolved from its spec and the operator's settings. */
export interface ProviderAuth {
  provider: string;
  spec: ConnectorSpec;
  auth: AuthSpec;
  settings: ProviderSettings | undefined;
  /** OAuth providers only; resolves the client on first use (ERR_AUTH_CLIENT when none is configured). */
  tokenEndpoint(): TokenEndpoint;
  /** ERR_AUTH_FLOW unless end users may connect to this provider (`providers.<NAME>.enabled`). */
  assertOffered(): void;
}

export interface ProviderAuthOptions {
  specOf: (provider: string) => ConnectorSpec | undefined;
  providers: Readonly<Record<string, ProviderSettings>>;
  transport: ProviderTransport;
  tokenTimeoutMs: number;
}

export function createProviderAuthResolver(options: ProviderAuthOptions): (provider: string) => ProviderAuth {
  const resolved = new Map<string, ProviderAuth>();
  return (provider) => {
    const known = resolved.get(provider);
    if (known !== undefined) return known;
    const spec = options.specOf(provider);
    if (spec === undefined) {
      throw new UserError(ErrorCodes.PLUGIN_UNKNOWN, `no connector for provider ${JSON.stringify(provider)}`, {
        hint: "Use the provider's name as Terra spells it (STRAVA, FITBIT) and load its connector plugin.",
      });
    }
    const settings = options.providers[provider];
    const auth = spec.auth;
    let endpoint: TokenEndpoint | undefined;
    const entry: ProviderAuth = {
      provider,
      spec,
      auth,
      settings,
      tokenEndpoint() {
        if (auth.type !== "oauth2" && auth.type !== "oauth2_password") throw new TypeError(`${provider} authenticates with ${auth.type}, not OAuth`);
        endpoint ??= createTokenEndpoint({
          provider,
          spec,
          auth: auth as OAuthAuthSpec,
          settings,
          client: resolveOAuthClient(provider, auth, settings),
          transport: options.transport,
          timeoutMs: options.tokenTimeoutMs,
        });
        return endpoint;
      },
      assertOffered() {
        if (settings?.enabled === false) {
          throw authFlowError(`${provider} is disabled (providers.${provider}.enabled: false)`, `Set providers.${provider}.enabled to true to let users connect.`, { provider });
        }
      },
    };
    resolved.set(provider, entry);
    return entry;
  };
}
