import type { AuthSpec } from "@tributary/schemas";
import { authMethodOf } from "../auth/auth-methods.ts";
import { compileTemplate } from "../spec/template.ts";
import type { MockClock } from "./clock.ts";
import type { OAuthServerOptions } from "./oauth-server.ts";
import type { MockClient, MockUser } from "./parties.ts";
import { pathOf } from "./spec-routes.ts";
import type { StatusEnvelope } from "./token-answers.ts";

/** The client a spec-built mock registers when the fixtures name none. */
export const DEFAULT_MOCK_CLIENT: Required<Pick<MockClient, "id" | "secret">> = { id: "mock-client-id", secret: "mock-client-secret" };

/**
 * The OAuth server a connector's auth spec describes, as strict as the spec says the provider is: the
 * client authenticates the declared way, token requests use the declared encoding and extra parameters,
 * PKCE and state are required when the spec sends them, refresh tokens behave as declared.
 */
export function oauthOptionsFromSpec(
  auth: AuthSpec,
  parties: { users: MockUser[]; clients?: MockClient[] },
  context: { providerName: string; clock: MockClock },
): OAuthServerOptions | undefined {
  if (auth.type !== "oauth2" && auth.type !== "oauth2_password") return undefined;
  const clients = parties.clients ?? [auth.type === "oauth2_password" && auth.publicClient ? auth.publicClient : DEFAULT_MOCK_CLIENT];
  const envelope = statusEnvelope(auth.tokenResponse);
  const userIdPath = auth.providerUserId?.from === "token" ? relativeTo(envelope?.root ?? "", auth.providerUserId.path) : undefined;
  const refresh = auth.refresh ?? "rotating";
  const common: OAuthServerOptions = {
    providerName: context.providerName,
    clients,
    users: parties.users,
    clock: context.clock,
    clientAuth: auth.clientAuth ?? "body",
    tokenBody: auth.tokenBody ?? "form",
    tokenParams: constantValues(auth.tokenParams),
    refresh,
    scopeSeparator: auth.scopeSeparator ?? " ",
    ...(envelope ? { statusEnvelope: envelope } : {}),
    ...(userIdPath !== undefined ? { userIdPath } : {}),
  };
  const refreshGrant = refresh === "none" ? [] : (["refresh_token"] as const);
  if (auth.type === "oauth2_password") {
    const password: OAuthServerOptions = {
      ...common,
      paths: { authorize: false, token: pathOf(auth.tokenUrl) || "/", revoke: false },
      grants: ["password", ...refreshGrant],
      ...(auth.scopes ? { scopes: auth.scopes } : {}),
    };
    // An authorization code alternative on the same token endpoint (Xert's partner flow): its consent page
    // too, for a partner client (the fixtures', or the default mock client) beside the public one.
    const code = authMethodOf(auth, ["oauth2"]);
    if (code?.type !== "oauth2" || pathOf(code.tokenUrl) !== password.paths?.token) return password;
    return {
      ...password,
      clients: parties.clients ?? [...clients, DEFAULT_MOCK_CLIENT],
      paths: { ...password.paths, authorize: pathOf(code.authorizeUrl) || "/" },
      grants: ["password", "authorization_code", ...refreshGrant],
      scopes: [...new Set([...(auth.scopes ?? []), ...code.scopes])],
      pkce: code.pkce === false ? "optional" : "required",
      state: code.state === false ? "optional" : "required",
    };
  }
  return {
    ...common,
    paths: {
      authorize: pathOf(auth.authorizeUrl) || "/",
      token: pathOf(auth.tokenUrl) || "/",
      ...(auth.refreshUrl ? { refresh: pathOf(auth.refreshUrl) } : {}),
      revoke: false,
    },
    grants: ["authorization_code", ...refreshGrant],
    scopes: auth.scopes,
    pkce: auth.pkce === false ? "optional" : "required",
    state: auth.state === false ? "optional" : "required",
  };
}

function statusEnvelope(spec: { root?: string; statusPath?: string; successValues?: Array<string | number> } | undefined): StatusEnvelope | undefined {
  if (!spec?.statusPath) return undefined;
  return { root: spec.root ?? "", statusPath: spec.statusPath, success: spec.successValues?.[0] ?? 0 };
}

/** A pointer written either from the document root ("/body/userid") or from the token fields ("/userid"). */
function relativeTo(root: string, pointer: string): string {
  return root !== "" && pointer.startsWith(`${root}/`) ? pointer.slice(root.length) : pointer;
}

/** Token parameters with a fixed value (Withings' action=requesttoken); templated ones are not checked. */
function constantValues(params: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    const template = compileTemplate(value);
    if (template.constant) out[name] = template.render(() => undefined);
  }
  return out;
}
