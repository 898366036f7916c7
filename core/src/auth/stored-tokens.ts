import type { StoredTokens } from "./credentials.ts";
import type { TokenResponse } from "./token-endpoint.ts";

const LIFTED = new Set(["access_token", "refresh_token", "id_token", "token_type", "scope"]);
/** Below this an `expires_at` is epoch seconds (Strava), above it milliseconds. */
const EPOCH_MS_THRESHOLD = 100_000_000_000;

/**
 * A token response as the state store keeps it. `expires_in` (relative, immune to clock skew between
 * us and the provider) wins over an absolute `expires_at`. On a refresh, `previous` supplies what the
 * answer left out: the refresh token of a provider that does not rotate it, the first answer's extras
 * (Strava's athlete), and the scope.
 */
export function storedTokensFrom(authType: "oauth2" | "oauth2_password", response: TokenResponse, obtainedAt: number, previous?: StoredTokens): StoredTokens {
  const raw: Record<string, unknown> = { ...previous?.raw };
  for (const [name, value] of Object.entries(response)) if (!LIFTED.has(name)) raw[name] = value;
  const refreshToken = response.refresh_token ?? previous?.refresh_token;
  const scope = response.scope ?? previous?.scope;
  const expiresAt = expiryOf(response, obtainedAt);
  return {
    auth_type: authType,
    access_token: response.access_token,
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    token_type: response.token_type,
    ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
    ...(scope === undefined ? {} : { scope }),
    obtained_at: obtainedAt,
    ...(Object.keys(raw).length === 0 ? {} : { raw }),
  };
}

/**
 * True when the access token is gone or will be within `bufferMs`. Tokens without an expiry never are.
 * The buffer is at most half the token's lifetime: a provider whose tokens live shorter than the buffer
 * must not be asked for a new one on every request.
 */
export function isExpiring(tokens: StoredTokens, bufferMs: number, now: number): boolean {
  if (tokens.expires_at === undefined) return false;
  const lifetime = tokens.expires_at - tokens.obtained_at;
  return tokens.expires_at - Math.min(bufferMs, Math.max(0, lifetime / 2)) <= now;
}

/** Terra's `scopes` are comma-separated; providers separate theirs with spaces or commas. */
export function scopeList(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  const list = scope.split(/[\s,]+/).filter((s) => s !== "");
  return list.length === 0 ? undefined : list;
}

function expiryOf(response: TokenResponse, obtainedAt: number): number | undefined {
  if (typeof response.expires_in === "number" && Number.isFinite(response.expires_in)) return obtainedAt + response.expires_in * 1000;
  const absolute = typeof response.expires_at === "string" ? Number(response.expires_at) : response.expires_at;
  if (typeof absolute === "number" && Number.isFinite(absolute) && absolute > 0) {
    return absolute < EPOCH_MS_THRESHOLD ? absolute * 1000 : absolute;
  }
  return undefined;
}
