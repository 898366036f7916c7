import type { ConnectorSpec } from "@tributary/schemas";
import * as oauth from "oauth4webapi";
import type { ProviderTransport } from "../provider-http/transport.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";
import { authTemplateScope, authUrlOverride, isLoopbackHttp, providerBaseUrl, renderParams, resolveAuthUrl } from "./auth-urls.ts";
import { clientAuthentication, type OAuthAuthSpec, type OAuthClient } from "./oauth-client.ts";
import { isTokenEndpointError, TokenEndpointError } from "./token-endpoint-error.ts";
import { createTokenFetch } from "./token-fetch.ts";

export type TokenResponse = oauth.TokenEndpointResponse;

export interface TokenEndpointOptions {
  provider: string;
  spec: ConnectorSpec;
  auth: OAuthAuthSpec;
  settings: ProviderSettings | undefined;
  client: OAuthClient;
  transport: ProviderTransport;
  /** @default 15000 */
  timeoutMs?: number;
}

/** One provider's OAuth endpoints, spoken through oauth4webapi. Every failure is a TokenEndpointError. */
export interface TokenEndpoint {
  readonly client: OAuthClient;
  /** The consent page URL (authorization code flow only). */
  authorizationUrl(input: { redirectUri: string; state?: string; codeChallenge?: string }): string;
  /**
   * Checks the callback's parameters (state when one was sent, the provider's error) and returns them
   * ready for `exchangeCode`. Throws oauth4webapi's AuthorizationResponseError when the provider
   * redirected with an error (the user denied, or the provider failed).
   */
  validateCallback(query: URLSearchParams, expectedState: string | undefined): URLSearchParams;
  exchangeCode(callback: URLSearchParams, redirectUri: string, codeVerifier: string | undefined): Promise<TokenResponse>;
  passwordGrant(username: string, password: string): Promise<TokenResponse>;
  refresh(refreshToken: string): Promise<TokenResponse>;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

export function createTokenEndpoint(options: TokenEndpointOptions): TokenEndpoint {
  const { provider, spec, auth, settings, client } = options;
  const scopeFor = (extra: Record<string, string | undefined> = {}) => authTemplateScope(spec, settings, { client_id: client.clientId, ...extra });
  const baseUrl = providerBaseUrl(spec, settings, scopeFor());
  const tokenUrl = resolveAuthUrl("tokenUrl", authUrlOverride(settings, "tokenUrl") ?? auth.tokenUrl, scopeFor(), baseUrl);
  const refreshTemplate = authUrlOverride(settings, "refreshUrl") ?? (auth.type === "oauth2" ? auth.refreshUrl : undefined);
  const refreshUrl = refreshTemplate !== undefined ? resolveAuthUrl("refreshUrl", refreshTemplate, scopeFor(), baseUrl) : tokenUrl;
  const tokenParams = renderParams(auth.tokenParams, scopeFor());
  const refreshParams = { ...tokenParams, ...renderParams(auth.refreshParams, scopeFor()) };

  const server = (endpoint: URL): oauth.AuthorizationServer => ({ issuer: endpoint.origin, token_endpoint: endpoint.href });
  const oauthClient: oauth.Client = { client_id: client.clientId };
  const clientAuth = clientAuthentication(auth, client);
  const requestOptions = (endpoint: URL, additionalParameters: Record<string, string>): oauth.TokenEndpointRequestOptions => ({
    additionalParameters,
    [oauth.customFetch]: createTokenFetch({
      provider,
      transport: options.transport,
      encoding: auth.tokenBody ?? "form",
      tokenResponse: auth.tokenResponse,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: MAX_TOKEN_RESPONSE_BYTES,
    }),
    ...(isLoopbackHttp(endpoint) ? { [oauth.allowInsecureRequests]: true } : {}),
  });

  // oauth4webapi's own complaints about a 200 answer (no access_token, an unknown token_type) name the
  // field, never its value: they are safe to repeat.
  const settle = async (run: () => Promise<TokenResponse>): Promise<TokenResponse> => {
    try {
      return await run();
    } catch (error) {
      if (isTokenEndpointError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new TokenEndpointError("invalid_response", `${provider} token endpoint answered without a usable token: ${reason}`);
    }
  };

  return {
    client,

    authorizationUrl({ redirectUri, state, codeChallenge }) {
      if (auth.type !== "oauth2") throw new TypeError(`${provider} has no authorization code flow`);
      const scope = scopeFor({ redirect_uri: redirectUri });
      const url = resolveAuthUrl("authorizeUrl", authUrlOverride(settings, "authorizeUrl") ?? auth.authorizeUrl, scope, baseUrl);
      for (const [name, value] of Object.entries(renderParams(auth.authorizeParams, scope))) url.searchParams.set(name, value);
      // The protocol's own parameters come last: a spec's authorizeParams cannot replace them.
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", client.clientId);
      url.searchParams.set("redirect_uri", redirectUri);
      if (auth.scopes.length > 0) url.searchParams.set("scope", auth.scopes.join(auth.scopeSeparator ?? " "));
      if (state !== undefined) url.searchParams.set("state", state);
      if (codeChallenge !== undefined) {
        url.searchParams.set("code_challenge", codeChallenge);
        url.searchParams.set("code_challenge_method", "S256");
      }
      return url.href;
    },

    validateCallback(query, expectedState) {
      // Our callbacks are one URL per provider and each session is bound to its provider, which is the
      // mix-up defence `iss` offers; these providers do not publish an issuer to compare it with.
      const params = new URLSearchParams(query);
      params.delete("iss");
      return oauth.validateAuthResponse(server(tokenUrl), oauthClient, params, expectedState ?? oauth.skipStateCheck);
    },

    exchangeCode(callback, redirectUri, codeVerifier) {
      return settle(async () => {
        const response = await oauth.authorizationCodeGrantRequest(
          server(tokenUrl),
          oauthClient,
          clientAuth,
          callback,
          redirectUri,
          codeVerifier ?? oauth.nopkce,
          requestOptions(tokenUrl, tokenParams),
        );
        return oauth.processAuthorizationCodeResponse(server(tokenUrl), oauthClient, response);
      });
    },

    passwordGrant(username, password) {
      return settle(async () => {
        const parameters: Record<string, string> = { ...tokenParams, username, password };
        if (auth.scopes !== undefined && auth.scopes.length > 0) parameters.scope = auth.scopes.join(auth.scopeSeparator ?? " ");
        const response = await oauth.genericTokenEndpointRequest(
          server(tokenUrl),
          oauthClient,
          clientAuth,
          "password",
          parameters,
          requestOptions(tokenUrl, {}),
        );
        return oauth.processGenericTokenEndpointResponse(server(tokenUrl), oauthClient, response);
      });
    },

    refresh(refreshToken) {
      return settle(async () => {
        const response = await oauth.refreshTokenGrantRequest(
          server(refreshUrl),
          oauthClient,
          clientAuth,
          refreshToken,
          requestOptions(refreshUrl, refreshParams),
        );
        return oauth.processRefreshTokenResponse(server(refreshUrl), oauthClient, response);
      });
    },
  };
}
