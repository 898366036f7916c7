import type { MockProvider, MockUser } from "@tributary/core/mock-provider";
import type { Credentials } from "@tributary/core/provider-http";
import { ErrorCodes, UserError } from "@tributary/core/contracts";
import type { AuthSpec } from "@tributary/schemas";
import { authorizeWithMock } from "../mock-provider/authorize.ts";
import { mockTokenRequest } from "../mock-provider/token-request.ts";

/** A user connected to a spec-built mock, with credentials the provider client can use. */
export interface MockConnection {
  /** The provider's id of the user (what `{provider_user_id}` renders). */
  providerUserId: string;
  credentials: MockCredentials;
}

/** Credentials as the auth engine provides them, reduced to a test's needs; refreshes are real token requests to the mock. */
export interface MockCredentials extends Credentials {
  readonly accessToken: string | undefined;
  /** Refresh grants made (successful or not). */
  refreshes: number;
}

export const MOCK_CLIENT = { id: "mock-client-id", secret: "mock-client-secret" } as const;

/**
 * Connects a mock user the way the connector's auth spec says: the authorization-code flow through the
 * consent page (PKCE and state as declared), the password grant, or the user's pasted token or API key;
 * partner_push and none connect without credentials. The credentials put the token where the spec says
 * and refresh it with the mock's token endpoint (rotating refresh tokens are replaced), so a 401 from the
 * mock leads to one real refresh.
 */
export async function connectToMock(mock: MockProvider, user: MockUser, client: { id: string; secret: string } = MOCK_CLIENT): Promise<MockConnection> {
  const auth = mock.spec.auth;
  const providerUserId = String(user.id);
  if (auth.type === "oauth2") {
    const login = user.username !== undefined && user.password !== undefined ? { username: user.username, password: user.password } : { user: user.id };
    const authorized = await authorizeWithMock(mock, { login, client });
    return { providerUserId, credentials: oauthCredentials(mock, client, authorized.accessToken, authorized.refreshToken) };
  }
  if (auth.type === "oauth2_password") {
    if (user.username === undefined || user.password === undefined)
      throw new Error(`mock user ${providerUserId} needs a username and password for ${mock.spec.name}'s password grant`);
    const tokens = await grantTokens(mock, client, {
      grant_type: "password",
      username: user.username,
      password: user.password,
      ...(auth.scopes ? { scope: auth.scopes.join(auth.scopeSeparator ?? " ") } : {}),
    });
    return { providerUserId, credentials: oauthCredentials(mock, client, tokens.access_token, tokens.refresh_token) };
  }
  if (auth.type === "bearer_token" || auth.type === "api_key") {
    const secret = auth.type === "bearer_token" ? user.token : user.apiKey;
    if (secret === undefined) throw new Error(`mock user ${providerUserId} has no ${auth.type === "bearer_token" ? "token" : "apiKey"} for ${mock.spec.name}`);
    return { providerUserId, credentials: staticCredentials(auth, secret) };
  }
  return { providerUserId, credentials: staticCredentials(auth, undefined) };
}

function oauthCredentials(mock: MockProvider, client: { id: string; secret: string }, accessToken: string, refreshToken: string | undefined): MockCredentials {
  let access = accessToken;
  let refresh = refreshToken;
  const credentials: MockCredentials = {
    get accessToken() {
      return access;
    },
    refreshes: 0,
    async apply(request) {
      request.headers.authorization = `Bearer ${access}`;
    },
    async refresh() {
      if (refresh === undefined) return false;
      credentials.refreshes += 1;
      const tokens = await grantTokens(mock, client, { grant_type: "refresh_token", refresh_token: refresh }, mock.urls().refreshUrl);
      access = tokens.access_token;
      if (tokens.refresh_token !== undefined) refresh = tokens.refresh_token;
      return true;
    },
    async variables() {
      return { access_token: access };
    },
  };
  return credentials;
}

function staticCredentials(auth: AuthSpec, secret: string | undefined): MockCredentials {
  return {
    accessToken: secret,
    refreshes: 0,
    async apply(request) {
      if (secret === undefined) return;
      if (auth.type === "api_key" && auth.in === "query") request.url.searchParams.set(auth.name, `${auth.prefix ?? ""}${secret}`);
      else if (auth.type === "api_key") request.headers[auth.name.toLowerCase()] = `${auth.prefix ?? ""}${secret}`;
      else if (auth.type === "bearer_token") request.headers[(auth.header ?? "Authorization").toLowerCase()] = `${auth.prefix ?? "Bearer "}${secret}`;
    },
    async refresh() {
      return false;
    },
    async variables(): Promise<Record<string, string>> {
      return secret === undefined ? {} : { access_token: secret };
    },
  };
}

/** A token grant whose refusal is what the Credentials contract says: ERR_AUTH_REVOKED. */
async function grantTokens(
  mock: MockProvider,
  client: { id: string; secret: string },
  grant: Record<string, string>,
  url?: string,
): Promise<{ access_token: string; refresh_token?: string }> {
  const { status, answer, tokens } = await mockTokenRequest(mock, grant, { client, url });
  if (status !== 200 || typeof tokens?.access_token !== "string") {
    throw new UserError(ErrorCodes.AUTH_REVOKED, `${mock.spec.name} mock refused the ${grant.grant_type} grant (${status}): ${JSON.stringify(answer)}`, {
      hint: "Connect the user again.",
    });
  }
  return { access_token: tokens.access_token, ...(typeof tokens.refresh_token === "string" ? { refresh_token: tokens.refresh_token } : {}) };
}
