import type { AuthSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { TransientError, UserError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import type { StateStore } from "../state/index.ts";
import { applyTokens, tokenVariables } from "./apply-tokens.ts";
import { authRevoked, tokenRequestFailed } from "./auth-errors.ts";
import type { Credentials, StoredTokens } from "./credentials.ts";
import type { LockLease, RedisLock } from "./redis-lock.ts";
import { isExpiring, storedTokensFrom } from "./stored-tokens.ts";
import type { TokenEndpoint } from "./token-endpoint.ts";
import { isTokenEndpointError } from "./token-endpoint-error.ts";

export interface ConnectionCredentialsOptions {
  userId: string;
  provider: string;
  /** How to use the stored tokens: the auth method they were obtained with (undefined: none stored). */
  methodOf: (tokens: StoredTokens | undefined) => ConnectionMethod;
  store: Pick<StateStore, "getConnection" | "getTokens" | "replaceTokens" | "markAuthRevoked">;
  lock: RedisLock;
  /** One key per connection, shared by every process of the deployment. */
  lockKey: string;
  /**
   * How long the lock of a holder that died blocks refreshes. A live holder's lock is renewed every third
   * of it: only a stall of the process longer than this loses it.
   */
  lockTtlMs: number;
  log: Logger;
  now: () => number;
}

/** One auth method of the provider, as a connection's credentials use it. */
export interface ConnectionMethod {
  auth: AuthSpec;
  /** Built on first use: a connection that never refreshes needs no OAuth client. */
  tokenEndpoint: () => TokenEndpoint;
  expiryBufferMs: number;
  refreshMode: "rotating" | "reusable" | "none";
}

/** Holders a refresh waits out before giving up: a holder that failed leaves the refresh to the next one. */
const LOCK_ROUNDS = 3;
const WRITE_ATTEMPTS = 3;

/**
 * The credentials of one stored connection, for one job. Tokens are read from the state store on first
 * use and kept for the job; they are refreshed before they expire and when the provider answers 401,
 * always under the connection's Redis lock. Whoever holds the lock re-reads the stored tokens first: if
 * another worker already refreshed them (the tokens differ from the ones this job used), it takes those
 * instead of spending the refresh token again — a rotating refresh token is single use. A worker that
 * finds the lock taken waits for its release and re-reads. A refusal by the token endpoint marks the
 * connection revoked and rejects with ERR_AUTH_REVOKED.
 */
export function createConnectionCredentials(options: ConnectionCredentialsOptions): Credentials {
  const { userId, provider, store, lock, log } = options;
  let method: ConnectionMethod | undefined;
  const refreshable = () => method !== undefined && (method.auth.type === "oauth2" || method.auth.type === "oauth2_password") && method.refreshMode !== "none";
  let cached: StoredTokens | undefined;
  let applied: StoredTokens | undefined;

  const load = async (): Promise<StoredTokens | undefined> => {
    const connection = await store.getConnection(userId);
    if (connection === undefined) {
      throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `no connection with user_id ${userId}`, { details: { userId } });
    }
    if (connection.auth_status === "revoked") throw authRevoked(provider, userId, connection.auth_error ?? "marked revoked");
    const tokens = (await store.getTokens(userId)) as StoredTokens | undefined;
    method = options.methodOf(tokens);
    if (tokens === undefined && method.auth.type !== "none" && method.auth.type !== "partner_push") {
      throw authRevoked(provider, userId, "no stored credentials (the connection was disconnected)");
    }
    cached = tokens;
    return tokens;
  };

  const current = async () => cached ?? (await load());
  const changed = (now: StoredTokens | undefined, seen: StoredTokens) => now?.access_token !== seen.access_token || now?.obtained_at !== seen.obtained_at;

  /**
   * Stores the tokens a refresh got (`next`) over the ones it spent — only over those, atomically: when
   * another worker stored tokens meanwhile (it refreshed after this one lost the lock), theirs are the ones
   * kept and used. What is in place afterwards is returned.
   */
  const storeOver = async (spent: StoredTokens, next: StoredTokens): Promise<StoredTokens> => {
    // A rotated refresh token exists nowhere else: losing this write would lose the connection.
    for (let attempt = 1; ; attempt++) {
      let stored: boolean;
      try {
        stored = await store.replaceTokens(userId, { ...spent }, { ...next });
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS) {
          log.error(
            { provider, userId, err: error },
            "refreshed tokens could not be stored: if the provider rotated the refresh token, the user must connect again",
          );
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        continue;
      }
      if (stored) return next;
      // Cleared meanwhile (a disconnect): `load` says so (ERR_AUTH_REVOKED).
      const now = await load();
      if (now === undefined) throw authRevoked(provider, userId, "no stored credentials (the connection was disconnected)");
      // A retried write whose first attempt was stored after all finds its own tokens in place.
      if (!changed(now, next)) return next;
      log.warn({ provider, userId }, "another worker stored refreshed tokens while this one refreshed: its tokens are kept, this refresh is dropped");
      return now;
    }
  };

  /** The tokens another worker stored since `spent` were read, if any: they are the newer ones. */
  const storedSince = async (spent: StoredTokens): Promise<StoredTokens | undefined> => {
    const stored = await load();
    if (stored === undefined || !changed(stored, spent)) return undefined;
    log.warn({ provider, userId }, "another worker refreshed these tokens while this one did: its tokens are kept, this refresh is dropped");
    return stored;
  };

  /**
   * After the lock was lost (this process stalled past its expiry): another holder may have refreshed
   * meanwhile. Its tokens, when stored, are the newer ones and stay; ours (`next`, when the provider
   * answered) are stored only over the very tokens we spent — then no one else stored any, and a rotated
   * refresh token exists nowhere else. Without either, ERR_LOCK_LOST.
   */
  const afterLoss = async (spent: StoredTokens, lost: unknown, next?: StoredTokens): Promise<StoredTokens> => {
    if (next === undefined) {
      const newer = await storedSince(spent);
      if (newer !== undefined) return newer;
      throw lost;
    }
    log.warn({ provider, userId }, "the refresh lock was lost mid-refresh: these tokens are stored only if no other worker stored tokens meanwhile");
    return storeOver(spent, next);
  };

  const spend = async (tokens: StoredTokens & { refresh_token: string }, lease: LockLease): Promise<StoredTokens> => {
    // A refresh token may be single use: it is spent only while the lock is surely ours (fresh lease).
    if (!(await lease.confirm())) return afterLoss(tokens, lease.signal.reason);
    const endpoint = method!.tokenEndpoint();
    let response;
    try {
      response = await endpoint.refresh(tokens.refresh_token);
    } catch (error) {
      if (!isTokenEndpointError(error)) throw error;
      if (error.kind === "refused") {
        // Refused because another worker spent the token first (one that took the lock this one lost, or
        // one that lost it to this one and stored what it got): its tokens, not a revocation.
        if (!(await lease.confirm())) return afterLoss(tokens, lease.signal.reason);
        const newer = await storedSince(tokens);
        if (newer !== undefined) return newer;
        await store.markAuthRevoked(userId, error.message);
        log.warn({ provider, userId, status: error.status, providerError: error.providerError }, "token refresh refused: connection marked revoked");
        throw authRevoked(provider, userId, error.message);
      }
      throw tokenRequestFailed(provider, error, "refresh");
    }
    const next = storedTokensFrom(method!.auth.type as "oauth2" | "oauth2_password", response, options.now(), tokens);
    if (!(await lease.confirm())) return afterLoss(tokens, lease.signal.reason, next);
    // Conditional even holding the lock: this process may stall past its expiry between confirm and write.
    const kept = await storeOver(tokens, next);
    log.debug({ provider, userId, rotated: next.refresh_token !== tokens.refresh_token }, "tokens refreshed");
    return kept;
  };

  /** True when tokens other than `seen` are in place afterwards. */
  const refreshUnderLock = async (seen: StoredTokens): Promise<boolean> => {
    // Whoever held the lock before may have refreshed already: the stored tokens are read under it.
    const outcome = await lock.hold(options.lockKey, options.lockTtlMs, LOCK_ROUNDS * (options.lockTtlMs + 1000), async (lease) => {
      const stored = await load();
      if (changed(stored, seen)) return true;
      if (stored?.refresh_token === undefined) return false;
      cached = await spend({ ...stored, refresh_token: stored.refresh_token }, lease);
      return true;
    });
    if (outcome.held) {
      if (!outcome.kept)
        log.warn({ provider, userId, lockTtlMs: options.lockTtlMs }, "the refresh lock was lost before the refresh ended, or was not released");
      return outcome.value;
    }
    throw new TransientError(
      ErrorCodes.AUTH_REFRESH_FAILED,
      `${provider} tokens of ${userId} could not be refreshed: other workers held the refresh lock and did not refresh them`,
      {
        hint: "Retried later; if it persists, look for errors of the other workers' refreshes.",
        details: { provider, userId },
      },
    );
  };

  const fresh = async (): Promise<StoredTokens | undefined> => {
    const tokens = await current();
    if (tokens === undefined || !refreshable() || tokens.refresh_token === undefined) return tokens;
    if (!isExpiring(tokens, method!.expiryBufferMs, options.now())) return tokens;
    await refreshUnderLock(tokens);
    return cached;
  };

  return {
    async apply(request) {
      const tokens = await fresh();
      applyTokens(method!.auth, tokens, request);
      applied = tokens;
    },
    async refresh() {
      const seen = applied ?? (await current());
      if (seen === undefined || !refreshable()) return false;
      return refreshUnderLock(seen);
    },
    async variables() {
      return tokenVariables(await fresh());
    },
  };
}
