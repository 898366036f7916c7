import type { AuthContext } from "./auth-context.ts";
import { authFlowError } from "./auth-errors.ts";
import { failed, failureFromError } from "./auth-failure.ts";
import type { AuthOutcome } from "./auth-outcome.ts";
import { flowHint } from "./authorization-flow.ts";
import type { StoredTokens } from "./credentials.ts";
import { createNewConnection } from "./new-connection.ts";
import { scopeList, storedTokensFrom } from "./stored-tokens.ts";

interface DirectConnectBase {
  provider: string;
  referenceId?: string | null;
  /** Use this user_id (a UUID), e.g. one handed out with a widget session; a new one otherwise. */
  userId?: string;
  /** The developer account (dev-id) the connection belongs to. */
  developerId?: string | null;
}

export interface ConnectWithPasswordInput extends DirectConnectBase {
  username: string;
  /** Sent to the provider's token endpoint once; never stored, never logged. */
  password: string;
}

export interface ConnectWithTokenInput extends DirectConnectBase {
  /** The bearer token or API key the user pasted. Stored encrypted. */
  token: string;
}

/** A provider's password grant (Xert): the password is exchanged for tokens and forgotten. */
export async function connectWithPassword(ctx: AuthContext, input: ConnectWithPasswordInput): Promise<AuthOutcome> {
  const provider = ctx.providerAuth(input.provider);
  provider.assertOffered();
  const auth = provider.method(["oauth2_password"]);
  if (auth?.type !== "oauth2_password") {
    throw authFlowError(`${input.provider} connects with ${provider.auth.type}, not a password`, flowHint(provider.auth.type), { provider: input.provider });
  }
  const where = { provider: input.provider, session: null };
  const username = typeof input.username === "string" ? input.username.trim() : "";
  if (username === "" || typeof input.password !== "string" || input.password === "") {
    return failed("invalid_credentials", "a username and a password are required", where);
  }
  try {
    const response = await provider.tokenEndpoint(auth).passwordGrant(username, input.password);
    const result = await createNewConnection(ctx, {
      provider: input.provider,
      auth,
      tokens: storedTokensFrom("oauth2_password", response, ctx.now()),
      tokenResponse: response,
      username,
      ...(input.userId === undefined ? {} : { userId: input.userId }),
      referenceId: input.referenceId ?? null,
      developerId: input.developerId ?? null,
      scopes: scopeList(response.scope) ?? auth.scopes ?? [],
    });
    ctx.log.info({ provider: input.provider, userId: result.connection.user_id, replaced: result.replaced?.user_id }, "connected");
    return { ok: true, provider: input.provider, connection: result.connection, replaced: result.replaced, session: null };
  } catch (error) {
    return failureFromError(error, where, "invalid_credentials", ctx.log);
  }
}

/**
 * A pasted bearer token or API key. When the spec says where the account id comes from
 * (`providerUserId.from: request`), that request doubles as the check that the token works.
 */
export async function connectWithToken(ctx: AuthContext, input: ConnectWithTokenInput): Promise<AuthOutcome> {
  const provider = ctx.providerAuth(input.provider);
  provider.assertOffered();
  const auth = provider.method(["bearer_token", "api_key"]);
  if (auth?.type !== "bearer_token" && auth?.type !== "api_key") {
    throw authFlowError(`${input.provider} connects with ${provider.auth.type}, not a pasted token`, flowHint(provider.auth.type), {
      provider: input.provider,
    });
  }
  const where = { provider: input.provider, session: null };
  const token = typeof input.token === "string" ? input.token.trim() : "";
  if (token === "") return failed("invalid_credentials", "a token is required", where);
  if (auth.providerUserId?.from === "token") {
    return failed("configuration_error", `${input.provider}: providerUserId.from "token" needs a token response, which a pasted ${auth.type} has not`, where);
  }
  const tokens: StoredTokens =
    auth.type === "api_key"
      ? { auth_type: "api_key", api_key: token, obtained_at: ctx.now() }
      : { auth_type: "bearer_token", access_token: token, obtained_at: ctx.now() };
  try {
    const result = await createNewConnection(ctx, {
      provider: input.provider,
      auth,
      tokens,
      ...(input.userId === undefined ? {} : { userId: input.userId }),
      referenceId: input.referenceId ?? null,
      developerId: input.developerId ?? null,
    });
    ctx.log.info({ provider: input.provider, userId: result.connection.user_id, replaced: result.replaced?.user_id }, "connected");
    return { ok: true, provider: input.provider, connection: result.connection, replaced: result.replaced, session: null };
  } catch (error) {
    return failureFromError(error, where, "invalid_credentials", ctx.log);
  }
}
