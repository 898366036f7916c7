import type { AuthSpec } from "@tributary/schemas";
import { resolveOAuthClient, type ClientSettings } from "./oauth-client.ts";

/** The auth types a user connects with (`auth.type` or one of `auth.alternatives`). */
export type AuthMethodType = "oauth2" | "oauth2_password" | "bearer_token" | "api_key";
export type AuthMethod = Extract<AuthSpec, { type: AuthMethodType }>;

const METHOD_TYPES: ReadonlySet<string> = new Set<AuthMethodType>(["oauth2", "oauth2_password", "bearer_token", "api_key"]);

/**
 * Every way a provider's users can connect: the spec's main auth first, then its alternatives. Each one
 * is complete by itself (its own providerUserId and lifecycle); the main one is returned without its
 * `alternatives`.
 */
export function authMethods(auth: AuthSpec): AuthSpec[] {
  if (!("alternatives" in auth) || auth.alternatives === undefined) return [auth];
  const { alternatives, ...main } = auth;
  return [main as AuthSpec, ...(alternatives as AuthSpec[])];
}

/** The provider's method of one of these types (the first listed), if it has one. */
export function authMethodOf(auth: AuthSpec, types: readonly AuthMethodType[]): AuthMethod | undefined {
  return authMethods(auth).find((method): method is AuthMethod => (types as readonly string[]).includes(method.type));
}

/**
 * The method a stored connection was made with (its tokens' `auth_type`): its requests are authenticated
 * and refreshed that way. Tokens stored before a provider had alternatives name the main method.
 */
export function authMethodFor(auth: AuthSpec, authType: string | undefined): AuthSpec {
  if (authType !== undefined && METHOD_TYPES.has(authType)) return authMethodOf(auth, [authType as AuthMethodType]) ?? auth;
  return authMethods(auth)[0]!;
}

/**
 * Whether this server can run the method: an OAuth method needs a client, from the operator's config
 * or published by the provider (`publicClient`). Token and key methods need nothing.
 */
export function methodCanWork(provider: string, method: AuthSpec, settings: ClientSettings | undefined): boolean {
  if (method.type !== "oauth2" && method.type !== "oauth2_password") return true;
  try {
    resolveOAuthClient(provider, method, settings);
    return true;
  } catch {
    return false;
  }
}

/** The methods this server can run for the provider, main first. */
export function workingAuthMethods(provider: string, auth: AuthSpec, settings: ClientSettings | undefined): AuthSpec[] {
  return authMethods(auth).filter((method) => methodCanWork(provider, method, settings));
}
