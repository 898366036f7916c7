import type { Connection } from "../state/index.ts";
import type { AuthContext } from "./auth-context.ts";
import { authMethodFor } from "./auth-methods.ts";
import type { Credentials, StoredTokens } from "./credentials.ts";
import { runBestEffort, type ProviderCallResult } from "./lifecycle-requests.ts";
import type { LockLease } from "./redis-lock.ts";

export interface RevokeReport {
  userId: string;
  provider: string;
  /** The spec's disconnect requests, then its revoke request, each with how it went. */
  requests: ProviderCallResult[];
  /**
   * Other active connections of the same provider account (other developers', other reference_ids'):
   * while there are any, nothing is asked of the provider, whose deregistration or revocation would end
   * theirs too.
   */
  stillConnected: number;
  /** Always true: the stored tokens are gone whatever the provider answered. */
  tokensDropped: true;
}

/**
 * Disconnects a connection at the provider: the spec's lifecycle disconnect requests first
 * (deregistration needs the tokens to still work), then the token revocation, then the stored tokens
 * are dropped. The provider's part is best effort — a user who disconnects is disconnected even when
 * the provider is down — and the report says what it answered. As at Terra, the provider is asked only
 * when this is the account's last active connection here; the count and the requests are made holding
 * the account's lock, so a connect of the same account waits for the deregistration and then registers
 * anew, or is stored first and counted. Deactivation and the deauth event are the caller's.
 */
export async function revokeConnection(ctx: AuthContext, connection: Connection, credentials: Credentials): Promise<RevokeReport> {
  const disconnect = (lease?: LockLease) => disconnectAtProvider(ctx, connection, credentials, lease);
  return connection.provider_user_id === null ? disconnect() : ctx.accountLock.hold(connection.provider, connection.provider_user_id, disconnect);
}

async function disconnectAtProvider(ctx: AuthContext, connection: Connection, credentials: Credentials, lease?: LockLease): Promise<RevokeReport> {
  const stillConnected = await otherConnections(ctx, connection);
  if (stillConnected > 0) {
    await ctx.store.setTokens(connection.user_id, null);
    ctx.log.info(
      { provider: connection.provider, userId: connection.user_id, stillConnected },
      "disconnected here only: the provider account stays connected for other users",
    );
    return { userId: connection.user_id, provider: connection.provider, requests: [], stillConnected, tokensDropped: true };
  }
  const provider = ctx.providerAuth(connection.provider);
  // The requests of the method the connection was made with (a pasted token has no OAuth revoke).
  const stored = (await ctx.store.getTokens(connection.user_id)) as StoredTokens | undefined;
  const auth = authMethodFor(provider.auth, stored?.auth_type);
  const context = {
    provider: connection.provider,
    variables: { user_id: connection.user_id, reference_id: connection.reference_id, provider_user_id: connection.provider_user_id },
  };
  const disconnect = auth.type === "none" ? [] : (auth.lifecycle?.disconnect ?? []);
  // The count above holds only while the account's lock does: once lost, a connect of the account may
  // have registered since, and deregistering now would leave it with nothing. Its tokens go all the same.
  if (lease !== undefined && !(await lease.confirm())) {
    await ctx.store.setTokens(connection.user_id, null);
    throw lease.signal.reason;
  }
  const results = await runBestEffort(disconnect, ctx.send, credentials, context, [404]);
  if (auth.type === "oauth2" && auth.revoke !== undefined) results.push(...(await runBestEffort([auth.revoke], ctx.send, credentials, context, [401])));
  await ctx.store.setTokens(connection.user_id, null);
  const failures = results.filter((r) => !r.ok);
  const log = { provider: connection.provider, userId: connection.user_id, failed: failures.length === 0 ? undefined : failures };
  if (failures.length === 0) ctx.log.info(log, "disconnected at the provider");
  else ctx.log.warn(log, "disconnected; the provider did not confirm every request");
  return { userId: connection.user_id, provider: connection.provider, requests: results, stillConnected: 0, tokensDropped: true };
}

async function otherConnections(ctx: AuthContext, connection: Connection): Promise<number> {
  if (connection.provider_user_id === null) return 0;
  const found = await ctx.store.findByProviderUserIds(connection.provider, [connection.provider_user_id]);
  return (found.get(connection.provider_user_id) ?? []).filter((other) => other.user_id !== connection.user_id).length;
}
