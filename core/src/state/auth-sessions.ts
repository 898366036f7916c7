import { randomBytes, randomUUID } from "node:crypto";
import type { AuthSession, ClaimedAuthSession, CreateAuthSessionInput } from "./auth-session-types.ts";
import type { Database } from "./database.ts";
import { invalidArgument, returnedRow } from "./state-errors.ts";
import { assertNonEmpty, assertUuid, timestampParam, toIso } from "./sql-values.ts";
import type { TokenCipher } from "./token-cipher.ts";

export interface AuthSessionRepository {
  createAuthSession(input: CreateAuthSessionInput): Promise<AuthSession>;
  /** Reads a live session without spending it (a form page showing the flow); undefined when unknown or expired. */
  peekAuthSession(state: string): Promise<AuthSession | undefined>;
  /** Single use: returns the session and deletes it; undefined when unknown or expired. */
  takeAuthSession(state: string): Promise<AuthSession | undefined>;
  /**
   * Single use like `takeAuthSession`, but an expired session is returned too (flagged), so a flow that
   * took too long can still send the user to its failure redirect with the reason.
   */
  claimAuthSession(state: string): Promise<ClaimedAuthSession | undefined>;
  /** Housekeeping for abandoned flows; returns how many were removed. */
  purgeExpiredAuthSessions(): Promise<number>;
}

export const DEFAULT_AUTH_SESSION_TTL_SECONDS = 900;
const MAX_STATE_LENGTH = 512;

const COLUMNS = `state, provider, developer_id, widget_session_id, language, reference_id, user_id, secret_ciphertext,
  success_redirect_url, failure_redirect_url, created_at, expires_at`;

export function authSessionAad(state: string): string {
  return `auth_sessions.secret:${state}`;
}

export function createAuthSessionRepository(db: Database, cipher: TokenCipher): AuthSessionRepository {
  const toSession = (row: Record<string, unknown>): AuthSession => {
    const state = String(row.state);
    const ciphertext = row.secret_ciphertext as string | null;
    return {
      state,
      provider: String(row.provider),
      developer_id: (row.developer_id as string | null) ?? null,
      widget_session_id: (row.widget_session_id as string | null) ?? null,
      language: (row.language as string | null) ?? null,
      reference_id: (row.reference_id as string | null) ?? null,
      user_id: String(row.user_id),
      secret: ciphertext == null ? null : cipher.decrypt(ciphertext, authSessionAad(state)),
      success_redirect_url: (row.success_redirect_url as string | null) ?? null,
      failure_redirect_url: (row.failure_redirect_url as string | null) ?? null,
      created_at: toIso(row.created_at),
      expires_at: toIso(row.expires_at),
    };
  };

  const claim = async (state: string): Promise<ClaimedAuthSession | undefined> => {
    if (typeof state !== "string" || state === "" || state.length > MAX_STATE_LENGTH) return undefined;
    // Deleting whatever matches also clears an expired session the moment someone presents it.
    const { rows } = await db.query<Record<string, unknown>>(`DELETE FROM auth_sessions WHERE state = $1 RETURNING ${COLUMNS}, expires_at > now() AS live`, [
      state,
    ]);
    const row = rows[0];
    return row === undefined ? undefined : { session: toSession(row), expired: row.live !== true };
  };

  return {
    async createAuthSession(input) {
      const state = input.state ?? randomBytes(32).toString("base64url");
      if (assertNonEmpty(state, "state").length > MAX_STATE_LENGTH) {
        throw invalidArgument(`state must be at most ${MAX_STATE_LENGTH} characters`);
      }
      const ttl = input.ttlSeconds ?? DEFAULT_AUTH_SESSION_TTL_SECONDS;
      if (!Number.isFinite(ttl)) throw invalidArgument("ttlSeconds must be a finite number");
      const { rows } = await db.query<Record<string, unknown>>(
        `INSERT INTO auth_sessions (state, provider, reference_id, user_id, secret_ciphertext, success_redirect_url,
           failure_redirect_url, expires_at, developer_id, widget_session_id, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::timestamptz, now() + $9::double precision * interval '1 second'), $10, $11, $12)
         RETURNING ${COLUMNS}`,
        [
          state,
          assertNonEmpty(input.provider, "provider"),
          input.referenceId ?? null,
          input.userId === undefined ? randomUUID() : assertUuid(input.userId, "userId"),
          input.secret == null ? null : cipher.encrypt(input.secret, authSessionAad(state)),
          input.successRedirectUrl ?? null,
          input.failureRedirectUrl ?? null,
          input.expiresAt === undefined ? null : timestampParam(input.expiresAt, "expiresAt"),
          ttl,
          input.developerId ?? null,
          input.widgetSessionId ?? null,
          input.language ?? null,
        ],
      );
      return toSession(returnedRow(rows));
    },

    async peekAuthSession(state) {
      if (typeof state !== "string" || state === "" || state.length > MAX_STATE_LENGTH) return undefined;
      const { rows } = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM auth_sessions WHERE state = $1 AND expires_at > now()`, [state]);
      return rows[0] === undefined ? undefined : toSession(rows[0]);
    },

    async takeAuthSession(state) {
      const claimed = await claim(state);
      return claimed === undefined || claimed.expired ? undefined : claimed.session;
    },

    claimAuthSession: claim,

    async purgeExpiredAuthSessions() {
      const { rows } = await db.query<{ count: unknown }>(
        "WITH gone AS (DELETE FROM auth_sessions WHERE expires_at <= now() RETURNING 1) SELECT count(*) AS count FROM gone",
      );
      return Number(rows[0]?.count ?? 0);
    },
  };
}
