import { randomUUID } from "node:crypto";
import type { AuthSpec } from "@tributary/schemas";
import type { Connection, StateStore } from "../state/index.ts";
import type { Logger } from "../log/logger.ts";
import type { AccountLock } from "./account-lock.ts";
import type { StoredTokens } from "./credentials.ts";
import { fixedCredentials } from "./fixed-credentials.ts";
import { grantedScopesOf } from "./granted-scopes.ts";
import { runConnectRequests } from "./lifecycle-requests.ts";
import { providerUserIdOf } from "./provider-user-id.ts";
import type { SendContext, SendProviderRequest } from "./send-provider-request.ts";

export interface NewConnectionInput {
  provider: string;
  auth: AuthSpec;
  tokens: StoredTokens;
  /** The token fields the provider answered, for `providerUserId.from: token`. */
  tokenResponse?: Record<string, unknown>;
  /** For `providerUserId.from: username`. */
  username?: string;
  /** Pre-allocated (by the auth session); a new UUID otherwise. */
  userId?: string;
  referenceId?: string | null;
  /** The developer account (dev-id) the connection belongs to. */
  developerId?: string | null;
  /** The token answer's (or the callback's) scopes; the spec's `grantedScopes` request, when it answers, replaces them. */
  scopes?: readonly string[];
}

export interface NewConnection {
  connection: Connection;
  replaced: Connection | null;
}

/**
 * The steps every way of connecting ends with, in the order that loses nothing when one fails: learn
 * the provider's id of the account (with the fresh credentials, not stored yet) and the scopes the user
 * granted (`grantedScopes`, where the token answer cannot say them; its failure fails nothing), make the lifecycle
 * connect requests (register, subscribe), and only then store the connection with its encrypted
 * tokens. A reconnect — the account connected again by the same developer under the same reference_id
 * — replaces the old connection in the same transaction: the old one is deactivated and its tokens
 * dropped, not revoked (revoking at the provider could revoke the new grant too: Strava revokes every
 * token of the app for that athlete). The same account under another reference_id or developer is a
 * connection of its own beside the first, as at Terra; two identical connects racing end in
 * ERR_STATE_CONFLICT for the second. From the connect requests until the connection is stored, the
 * account's lock is held: a disconnect of its last other connection cannot deregister it in between.
 */
export async function createNewConnection(
  deps: { store: StateStore; send: SendProviderRequest; accountLock: AccountLock; log: Logger },
  input: NewConnectionInput,
): Promise<NewConnection> {
  const userId = input.userId ?? randomUUID();
  const credentials = fixedCredentials(input.auth, input.tokens);
  const variables: SendContext["variables"] = { user_id: userId, reference_id: input.referenceId ?? null, provider_user_id: null };
  const context: SendContext = { provider: input.provider, variables };
  const spec = input.auth.type === "none" ? undefined : input.auth.providerUserId;
  const providerUserId = await providerUserIdOf(spec, {
    provider: input.provider,
    ...(input.tokenResponse === undefined ? {} : { tokenResponse: input.tokenResponse }),
    ...(input.username === undefined ? {} : { username: input.username }),
    credentials,
    send: deps.send,
    context,
  });
  variables.provider_user_id = providerUserId;
  const granted =
    input.auth.type === "none"
      ? undefined
      : await grantedScopesOf(input.auth.grantedScopes, { provider: input.provider, credentials, send: deps.send, context, log: deps.log });
  const scopes = granted ?? input.scopes;
  const register = async (): Promise<NewConnection> => {
    if (input.auth.type !== "none") await runConnectRequests(input.auth.lifecycle?.connect, deps.send, credentials, context);
    return storeConnection(deps.store, { ...input, ...(scopes === undefined ? {} : { scopes }) }, userId, providerUserId);
  };
  return providerUserId === null ? register() : deps.accountLock.hold(input.provider, providerUserId, register);
}

/** Stores the connection, replacing the same owner's earlier connection of the account in the same transaction. */
function storeConnection(store: StateStore, input: NewConnectionInput, userId: string, providerUserId: string | null): Promise<NewConnection> {
  return store.transaction(async (tx) => {
    // Terra's rule: the same account under the same developer and reference_id is a reconnect, which
    // replaces the earlier connection; under another reference_id or developer it is a connection of its own.
    const owner = { developerId: input.developerId ?? null, referenceId: input.referenceId ?? null };
    const previous = providerUserId === null ? undefined : await tx.findByProviderUserId(input.provider, providerUserId, owner);
    let replaced: Connection | null = null;
    if (previous !== undefined) {
      replaced = (await tx.deactivate(previous.user_id)) ?? null;
      await tx.setTokens(previous.user_id, null);
    }
    const connection = await tx.createConnection({
      provider: input.provider,
      userId,
      referenceId: owner.referenceId,
      developerId: owner.developerId,
      providerUserId,
      scopes: input.scopes ?? null,
      tokens: { ...input.tokens },
    });
    return { connection, replaced };
  });
}
