import { randomBytes } from "node:crypto";
import type { MockClock } from "./clock.ts";

/** rotating: each refresh token is single-use and replaced; reusable: it stays valid; none: none issued. */
export type RefreshMode = "rotating" | "reusable" | "none";

export interface TokenStoreOptions {
  clock: MockClock;
  accessTokenSeconds: number;
  /** Absent: refresh tokens do not expire. */
  refreshTokenSeconds?: number;
  refresh: RefreshMode;
  /**
   * A spent refresh token presented again revokes everything issued from its grant (OAuth 2.1's
   * reuse detection, Auth0's rotation). Off by default: most providers only refuse the spent token.
   */
  revokeFamilyOnReuse?: boolean;
  /** Authorization codes live this long. */
  codeSeconds?: number;
}

/** One authorization: a user's consent to a client, and every token issued from it. */
export interface Grant {
  id: string;
  clientId: string;
  userId: string;
  scope: string[];
  revoked: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  grant: Grant;
}

export interface AuthorizationCode {
  clientId: string;
  userId: string;
  scope: string[];
  redirectUri?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export type AccessCheck = { ok: true; grant: Grant } | { ok: false; kind: "invalid_token" | "expired_token" | "revoked_token" };

export type Redemption<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface TokenEvent {
  type: "issued" | "refreshed" | "refresh_refused" | "code_refused" | "revoked";
  at: number;
  clientId?: string;
  userId?: string;
  detail?: string;
}

interface AccessEntry {
  grant: Grant;
  expiresAt: number;
}
interface RefreshEntry {
  grant: Grant;
  expiresAt?: number;
  spent: boolean;
}
interface CodeEntry {
  code: AuthorizationCode;
  expiresAt: number;
  used: boolean;
  grant?: Grant;
}

export interface TokenStore {
  createCode(code: AuthorizationCode): string;
  /** Single use: a second redemption fails and revokes what the first one issued (RFC 6749 §4.1.2). */
  redeemCode(code: string, clientId: string): Redemption<AuthorizationCode>;
  /** Records the grant a redeemed code produced, so a replayed code can revoke it. */
  bindCode(code: string, grant: Grant): void;
  issue(clientId: string, userId: string, scope: string[]): IssuedTokens;
  checkAccess(accessToken: string): AccessCheck;
  refresh(refreshToken: string, clientId: string): Redemption<IssuedTokens>;
  /** RFC 7009: revokes the token's whole grant; unknown tokens and other clients' tokens are ignored. */
  revoke(token: string, clientId?: string): boolean;
  /** The user withdrew access at the provider: every grant of theirs dies. */
  revokeUser(userId: string): void;
  /** Every access token issued so far is expired from now on (refresh tokens still work). */
  expireAccessTokens(): void;
  readonly events: readonly TokenEvent[];
}

const newToken = (): string => randomBytes(20).toString("hex");

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const { clock } = options;
  const access = new Map<string, AccessEntry>();
  const refreshTokens = new Map<string, RefreshEntry>();
  const codes = new Map<string, CodeEntry>();
  const grants: Grant[] = [];
  const events: TokenEvent[] = [];
  let grantCount = 0;

  const note = (type: TokenEvent["type"], grant: Pick<Grant, "clientId" | "userId"> | undefined, detail?: string) =>
    events.push({ type, at: clock.now(), ...(grant ? { clientId: grant.clientId, userId: grant.userId } : {}), ...(detail ? { detail } : {}) });

  const issueFor = (grant: Grant): IssuedTokens => {
    const accessToken = newToken();
    access.set(accessToken, { grant, expiresAt: clock.now() + options.accessTokenSeconds * 1000 });
    let refreshToken: string | undefined;
    if (options.refresh !== "none") {
      refreshToken = newToken();
      refreshTokens.set(refreshToken, {
        grant,
        spent: false,
        ...(options.refreshTokenSeconds !== undefined ? { expiresAt: clock.now() + options.refreshTokenSeconds * 1000 } : {}),
      });
    }
    return { accessToken, ...(refreshToken ? { refreshToken } : {}), expiresIn: options.accessTokenSeconds, grant };
  };

  const revokeGrant = (grant: Grant, why: string) => {
    if (grant.revoked) return;
    grant.revoked = true;
    note("revoked", grant, why);
  };

  return {
    events,
    createCode(code) {
      const value = newToken();
      codes.set(value, { code, expiresAt: clock.now() + (options.codeSeconds ?? 60) * 1000, used: false });
      return value;
    },
    redeemCode(value, clientId) {
      const entry = codes.get(value);
      const refuse = (reason: string): Redemption<AuthorizationCode> => {
        note("code_refused", entry?.code, reason);
        return { ok: false, reason };
      };
      if (!entry) return refuse("unknown authorization code");
      if (entry.code.clientId !== clientId) return refuse("the authorization code was issued to another client");
      if (entry.used) {
        if (entry.grant) revokeGrant(entry.grant, "authorization code used twice");
        return refuse("the authorization code was already used");
      }
      entry.used = true;
      if (clock.now() > entry.expiresAt) return refuse("the authorization code expired");
      return { ok: true, value: entry.code };
    },
    bindCode(value, grant) {
      const entry = codes.get(value);
      if (entry) entry.grant = grant;
    },
    issue(clientId, userId, scope) {
      const grant: Grant = { id: `grant-${++grantCount}`, clientId, userId, scope, revoked: false };
      grants.push(grant);
      const tokens = issueFor(grant);
      note("issued", grant);
      return tokens;
    },
    checkAccess(token) {
      const entry = access.get(token);
      if (!entry) return { ok: false, kind: "invalid_token" };
      if (entry.grant.revoked) return { ok: false, kind: "revoked_token" };
      if (clock.now() >= entry.expiresAt) return { ok: false, kind: "expired_token" };
      return { ok: true, grant: entry.grant };
    },
    refresh(token, clientId) {
      const entry = refreshTokens.get(token);
      const refuse = (reason: string): Redemption<IssuedTokens> => {
        note("refresh_refused", entry?.grant, reason);
        return { ok: false, reason };
      };
      if (!entry) return refuse("unknown refresh token");
      if (entry.grant.clientId !== clientId) return refuse("the refresh token was issued to another client");
      if (entry.grant.revoked) return refuse("the refresh token was revoked");
      if (entry.spent) {
        if (options.revokeFamilyOnReuse) revokeGrant(entry.grant, "spent refresh token presented again");
        return refuse("the refresh token was already used");
      }
      if (entry.expiresAt !== undefined && clock.now() >= entry.expiresAt) return refuse("the refresh token expired");
      if (options.refresh === "rotating") entry.spent = true;
      const tokens = issueFor(entry.grant);
      if (options.refresh === "reusable") {
        // The same refresh token keeps working; do not hand out a second one.
        refreshTokens.delete(tokens.refreshToken ?? "");
        tokens.refreshToken = token;
      }
      note("refreshed", entry.grant);
      return { ok: true, value: tokens };
    },
    revoke(token, clientId) {
      const grant = access.get(token)?.grant ?? refreshTokens.get(token)?.grant;
      if (!grant || (clientId !== undefined && grant.clientId !== clientId)) return false;
      revokeGrant(grant, "revoked by the client");
      return true;
    },
    revokeUser(userId) {
      for (const grant of grants) if (grant.userId === userId) revokeGrant(grant, "revoked by the user");
    },
    expireAccessTokens() {
      const past = clock.now() - 1;
      for (const entry of access.values()) entry.expiresAt = Math.min(entry.expiresAt, past);
    },
  };
}
