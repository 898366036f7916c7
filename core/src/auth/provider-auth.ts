import type { AuthSpec, ConnectorSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderTransport } from "../provider-http/transport.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";
import { authFlowError } from "./auth-errors.ts";
import { authMethodOf, authMethods, type AuthMethod, type AuthMethodType } from "./auth-methods.ts";
import { resolveOAuthClient, type OAuthAuthSpec } from "./oauth-client.ts";
import { createTokenEndpoint, type TokenEndpoint } from "./token-endpoint.ts";

/** One provider's auth, resolved from its spec and the operator's settings. */
export interface ProviderAuth {
  provider: string;
  spec: ConnectorSpec;
  /** The spec's main auth (with its alternatives). */
  auth: AuthSpec;
  settings: ProviderSettings | undefined;
  /** The main method, then the alternatives. */
  methods: AuthSpec[];
  /** The provider's method of one of these types; undefined when it has none. */
  method(types: readonly AuthMethodType[]): AuthMethod | undefined;
  /**
   * The token endpoint of an OAuth method (the main one by default); resolves the client on first use
   * (ERR_AUTH_CLIENT when none is configured).
   */
  tokenEndpoint(method?: AuthSpec): TokenEndpoint;
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
    const methods = authMethods(auth);
    const endpoints = new Map<string, TokenEndpoint>();
    const entry: ProviderAuth = {
      provider,
      spec,
      auth,
      settings,
      methods,
      method: (types) => authMethodOf(auth, types),
      tokenEndpoint(method = methods[0]!) {
        if (method.type !== "oauth2" && method.type !== "oauth2_password") throw new TypeError(`${provider} authenticates with ${method.type}, not OAuth`);
        let endpoint = endpoints.get(method.type);
        if (endpoint === undefined) {
          endpoint = createTokenEndpoint({
            provider,
            spec,
            auth: method as OAuthAuthSpec,
            settings,
            client: resolveOAuthClient(provider, method, settings),
            transport: options.transport,
            timeoutMs: options.tokenTimeoutMs,
          });
          endpoints.set(method.type, endpoint);
        }
        return endpoint;
      },
      assertOffered() {
        if (settings?.enabled === false) {
          throw authFlowError(
            `${provider} is disabled (providers.${provider}.enabled: false)`,
            `Set providers.${provider}.enabled to true to let users connect.`,
            { provider },
          );
        }
      },
    };
    resolved.set(provider, entry);
    return entry;
  };
}
