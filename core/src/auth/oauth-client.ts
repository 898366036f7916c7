import type { OAuth2AuthSpec, OAuth2PasswordAuthSpec } from "@tributary/schemas";
import * as oauth from "oauth4webapi";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";

export type OAuthAuthSpec = OAuth2AuthSpec | OAuth2PasswordAuthSpec;

/** The operator's client settings of a provider (`providers.<NAME>.clientId/clientSecret`). */
export type ClientSettings = Pick<ProviderSettings, "clientId" | "clientSecret">;

/** The OAuth client the operator registered with the provider (or the one the provider publishes). */
export interface OAuthClient {
  clientId: string;
  clientSecret?: string;
  source: "config" | "publicClient";
}

/**
 * Client ids and secrets come from the operator's config (`providers.<NAME>.clientId/clientSecret`);
 * a spec may only name a client the provider publishes for everyone (`publicClient`), and the config
 * overrides it.
 */
export function resolveOAuthClient(provider: string, auth: OAuthAuthSpec, settings: ClientSettings | undefined): OAuthClient {
  const clientId = nonEmptyString(settings?.clientId);
  const clientSecret = nonEmptyString(settings?.clientSecret);
  if (clientId !== undefined) return { clientId, ...(clientSecret === undefined ? {} : { clientSecret }), source: "config" };
  if (clientSecret !== undefined) {
    throw new UserError(ErrorCodes.AUTH_CLIENT, `providers.${provider}.clientSecret is set but providers.${provider}.clientId is not`, {
      hint: `Set providers.${provider}.clientId to the client id ${provider} issued with that secret.`,
    });
  }
  if (auth.publicClient !== undefined) {
    return {
      clientId: auth.publicClient.id,
      ...(auth.publicClient.secret === undefined ? {} : { clientSecret: auth.publicClient.secret }),
      source: "publicClient",
    };
  }
  throw new UserError(ErrorCodes.AUTH_CLIENT, `providers.${provider}.clientId is not set`, {
    hint: `Register an application with ${provider} and set providers.${provider}.clientId and clientSecret in the config file.`,
  });
}

/** How the client proves itself at the token endpoint: HTTP basic, or the id (and secret) in the body. */
export function clientAuthentication(auth: OAuthAuthSpec, client: OAuthClient): oauth.ClientAuth {
  if (auth.clientAuth === "basic") return oauth.ClientSecretBasic(client.clientSecret ?? "");
  return client.clientSecret === undefined ? oauth.None() : oauth.ClientSecretPost(client.clientSecret);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
