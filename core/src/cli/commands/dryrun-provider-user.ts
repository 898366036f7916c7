import type { ProviderUserIdSpec } from "@tributary/schemas";
import type { Credentials } from "../../auth/credentials.ts";
import { readGrantedScopes } from "../../auth/granted-scopes.ts";
import { providerUserIdOf } from "../../auth/provider-user-id.ts";
import { sendThroughClient } from "../../auth/send-through-client.ts";
import type { RuntimeConnector } from "../../connectors/runtime-connector.ts";
import { silentLogger } from "../../log/logger.ts";
import { createProviderClient } from "../../provider-http/provider-client.ts";
import type { ProviderTransport } from "../../provider-http/transport.ts";
import { whereProviderUserIdIsRead } from "../../spec/provider-user-id-reads.ts";
import { usageError } from "./connector-target.ts";

/** How a dryrun got the user's credentials: a token as given, or a password grant (the login and the provider's answer). */
export type DryrunGrant = { kind: "token" } | { kind: "password"; username: string; tokenResponse: Record<string, unknown> };

/** Where the connector's auth says the provider's id of a connected user comes from (auth.providerUserId). */
function providerUserIdSpec(connector: RuntimeConnector): ProviderUserIdSpec | undefined {
  const auth = connector.auth;
  return auth.type === "none" ? undefined : auth.providerUserId;
}

/** What the spec says the provider's user id is (auth.providerUserId.description), when it says. */
export function providerUserIdDescription(connector: RuntimeConnector): string | undefined {
  const spec = providerUserIdSpec(connector);
  return spec?.from === "username" ? spec.description : undefined;
}

const sourceOf = (spec: ProviderUserIdSpec): string =>
  spec.from === "username" ? "from username" : spec.from === "token" ? `from token ${spec.path}` : `from request ${spec.request.path}`;

/**
 * Before anything is sent: a token as given has no token response (`from: token`) and no login (`from:
 * username`), so the id cannot be found as connecting finds it; when the connector's pull reads it,
 * --user must say it (exit 2), rather than the pull failing record by record.
 */
export function checkProviderUserIdKnown(connector: RuntimeConnector, grant: DryrunGrant["kind"], user: string | undefined): void {
  const spec = providerUserIdSpec(connector);
  if (user !== undefined || grant !== "token" || spec === undefined || spec.from === "request") return;
  const readsUser = whereProviderUserIdIsRead(connector.definition.spec);
  if (readsUser === undefined) return;
  const source = spec.from === "token" ? `its OAuth token response (at ${spec.path})` : "the user's login";
  const described = providerUserIdDescription(connector);
  throw usageError(
    `--user is required: ${connector.name} takes the provider's user id from ${source}, which --token does not give, and reads it in ${readsUser}`,
    `Give --user with the provider's id of the user${described ? ` — ${connector.name}'s: ${described}` : ""}.`,
  );
}

/**
 * The provider's id of the user, found as connecting them finds it (auth.providerUserId): the login
 * (`from: username`, normalized), the password grant's token response (`from: token`), or the account
 * request made with the credentials (`from: request`). Undefined when the spec names no source or the
 * grant cannot tell (see checkProviderUserIdKnown). Said on stderr.
 */
export async function dryrunProviderUserId(
  connector: RuntimeConnector,
  grant: DryrunGrant,
  credentials: Credentials,
  access: {
    transport: ProviderTransport;
    userId: string;
    baseUrl?: string | undefined;
    clientId?: string | undefined;
    clientSecret?: string | undefined;
  },
): Promise<string | undefined> {
  const spec = providerUserIdSpec(connector);
  if (spec === undefined || (grant.kind === "token" && spec.from !== "request")) return undefined;
  const { transport, userId, ...settings } = access;
  const client = createProviderClient({ spec: connector.definition.spec, transport, settings, log: silentLogger() });
  const found = await providerUserIdOf(spec, {
    provider: connector.name,
    ...(grant.kind === "password" ? { username: grant.username, tokenResponse: grant.tokenResponse } : {}),
    credentials,
    send: sendThroughClient(client),
    context: { provider: connector.name, variables: { user_id: userId, reference_id: null, provider_user_id: null } },
  });
  if (found === null) return undefined;
  console.error(`• provider user id ${found} (auth.providerUserId ${sourceOf(spec)})`);
  return found;
}

/**
 * The scopes the user granted, read as connecting reads them (auth.grantedScopes, with the provider user id
 * known): the payloads' `user.scopes`. Said on stderr; a failed read is said too and, as at connect, fails
 * nothing (the payloads then carry no scopes). Undefined when the spec declares no such request.
 */
export async function dryrunGrantedScopes(
  connector: RuntimeConnector,
  credentials: Credentials,
  access: {
    transport: ProviderTransport;
    userId: string;
    providerUserId: string | undefined;
    baseUrl?: string | undefined;
    clientId?: string | undefined;
    clientSecret?: string | undefined;
  },
): Promise<string[] | undefined> {
  const auth = connector.auth;
  const spec = auth.type === "none" ? undefined : auth.grantedScopes;
  if (spec === undefined) return undefined;
  const { transport, userId, providerUserId, ...settings } = access;
  const client = createProviderClient({ spec: connector.definition.spec, transport, settings, log: silentLogger() });
  const granted = await readGrantedScopes(spec, {
    provider: connector.name,
    credentials,
    send: sendThroughClient(client),
    context: { provider: connector.name, variables: { user_id: userId, reference_id: null, provider_user_id: providerUserId ?? null } },
  });
  if (granted?.ok) {
    console.error(`• granted scopes ${granted.scopes.join(",") || "(none)"} (auth.grantedScopes ${spec.request.path})`);
    return granted.scopes;
  }
  console.error(
    `• granted scopes not read (auth.grantedScopes ${spec.request.path}): ${granted?.reason ?? "no request"} — a connection would keep its token's`,
  );
  return undefined;
}
