import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { ErrorCodes, UserError } from "../errors/index.ts";
import type {
  Connection,
  ConnectionOwner,
  ConnectionTokens,
  CreateConnectionInput,
  ListConnectionsFilter,
  ScopesReplaced,
  StaleCandidatesFilter,
} from "./connection-types.ts";
import type { Database } from "./database.ts";
import { StateErrorCodes } from "./error-codes.ts";
import { invalidArgument, returnedRow } from "./state-errors.ts";
import { createSqlFilter, type SqlFilter } from "./sql-filter.ts";
import { assertNonEmpty, assertUuid, isUuid, limitParam, offsetParam, timestampParam, toIso, toIsoOrNull } from "./sql-values.ts";
import { NUL_ESCAPE } from "./sql-params.ts";
import { isUniqueViolation } from "./sqlstate.ts";
import type { TokenCipher } from "./token-cipher.ts";

export interface ConnectionRepository {
  createConnection(input: CreateConnectionInput): Promise<Connection>;
  /** Undefined for unknown (or malformed) ids. */
  getConnection(userId: string): Promise<Connection | undefined>;
  /** The connections of these ids that exist, by id, in one query (malformed ids are simply absent). */
  getConnections(userIds: readonly string[]): Promise<Map<string, Connection>>;
  /**
   * An active connection of a provider account: with `owner`, the one of that developer under that
   * reference_id (null: none), which a reconnect replaces; without, the newest of any.
   */
  findByProviderUserId(provider: string, providerUserId: string, owner?: ConnectionOwner): Promise<Connection | undefined>;
  /**
   * Every active connection of many accounts of one provider in one query (oldest first), keyed by
   * provider user id (found ones only): whom a provider's push for an account is for.
   */
  findByProviderUserIds(provider: string, providerUserIds: readonly string[]): Promise<Map<string, Connection[]>>;
  listByReferenceId(referenceId: string): Promise<Connection[]>;
  /** Oldest first, so offset paging is stable while new users connect. */
  listConnections(filter?: ListConnectionsFilter): Promise<Connection[]>;
  countConnections(filter?: Omit<ListConnectionsFilter, "limit" | "offset">): Promise<number>;
  /** Decrypted tokens; undefined when the connection is unknown or has none. */
  getTokens(userId: string): Promise<ConnectionTokens | undefined>;
  /** Encrypts and stores (null clears); throws ERR_CONNECTION_NOT_FOUND for unknown ids. */
  setTokens(userId: string, tokens: ConnectionTokens | null): Promise<void>;
  /**
   * Stores `next` only if the stored tokens are still `from` (the ones a refresh spent) — atomically: false
   * when another writer stored tokens (or cleared them) since, which then stay. Throws ERR_CONNECTION_NOT_FOUND
   * for unknown ids.
   */
  replaceTokens(userId: string, from: ConnectionTokens, next: ConnectionTokens): Promise<boolean>;
  /** Never moves the timestamp backwards (webhooks arrive out of order). */
  touchWebhookUpdate(userId: string, at?: Date | string): Promise<Connection | undefined>;
  markPolled(userId: string, at?: Date | string, mostRecentDataAt?: Date | string | null): Promise<Connection | undefined>;
  /**
   * New data arrived: `most_recent_data_at` moves forward (never back) and a stale report is cleared, so
   * the connection is reported again if it goes quiet again.
   */
  markDataSeen(userId: string, newestDataAt: Date | string): Promise<void>;
  deactivate(userId: string): Promise<Connection | undefined>;
  /**
   * The provider says the user now grants `scopes` (changed at `changedAt`): stored comma-joined, unless
   * a change as recent or more is stored already (a retried push, a job retried after a later change).
   * Row-locked, so concurrent changes each see the scopes the other left. Undefined when the connection
   * is unknown, inactive, or the change is not newer.
   */
  replaceScopes(userId: string, scopes: readonly string[], changedAt: Date | string): Promise<ScopesReplaced | undefined>;
  /**
   * The provider refused to refresh the connection's tokens: mark it so nothing spends them again.
   * `reason` is shown to operators and must hold no secret. Undefined for unknown ids.
   */
  markAuthRevoked(userId: string, reason: string): Promise<Connection | undefined>;
  /** Deactivates an active connection; undefined when it is unknown or was inactive already (one caller wins). */
  deactivateIfActive(userId: string): Promise<Connection | undefined>;
  /** Pause (idempotent: the first pause time is kept); undefined for unknown ids. */
  pause(userId: string): Promise<Connection | undefined>;
  /** Resume; `pausedAt` is when the pause that ended began (null when it was not paused). */
  resume(userId: string): Promise<{ connection: Connection; pausedAt: string | null } | undefined>;
  /**
   * Which of these user ids must not receive data now: deactivated, paused, deleted or never known.
   */
  inactiveAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** Connections without a developer (made before accounts existed) are given to this one; returns how many. */
  adoptConnections(developerId: string): Promise<number>;
  staleCandidates(filter: StaleCandidatesFilter): Promise<Connection[]>;
  /** Records that these were reported stale (only those not already marked); returns the ids marked now. */
  markStale(userIds: readonly string[]): Promise<string[]>;
  /** Active, unpaused connections reported stale and still without new data, by provider. */
  countStale(): Promise<Map<string, number>>;
  /** Also deletes the connection's cursors. True when a row was deleted. */
  deleteConnection(userId: string): Promise<boolean>;
}

/**
 * A deactivated connection's record parts (its days as delivered so far) go with it: the destinations
 * erase the user's data, and nothing of it is kept here either.
 */
const ERASE_RECORD_PARTS = "WITH erased AS (DELETE FROM record_parts WHERE user_id = $1)";

const COLUMNS = `user_id, provider, developer_id, reference_id, provider_user_id, scopes, active, created_at, updated_at,
  last_webhook_update, last_polled_at, most_recent_data_at, paused_at, auth_status, auth_error, auth_error_at`;

const qualified = (alias: string): string =>
  COLUMNS.split(",")
    .map((column) => `${alias}.${column.trim()}`)
    .join(", ");

/** Binds a token blob to its row: the same blob under another user_id does not decrypt. */
export function tokensAad(userId: string): string {
  return `connections.tokens:${userId}`;
}

export function createConnectionRepository(db: Database, cipher: TokenCipher): ConnectionRepository {
  const one = async (sql: string, params: unknown[]): Promise<Connection | undefined> => {
    const { rows } = await db.query<Record<string, unknown>>(sql, params);
    return rows[0] === undefined ? undefined : toConnection(rows[0]);
  };

  const encryptTokens = (userId: string, tokens: ConnectionTokens | null | undefined): string | null => {
    if (tokens === undefined || tokens === null) return null;
    if (typeof tokens !== "object" || Array.isArray(tokens)) throw invalidArgument("tokens must be a JSON object");
    return cipher.encryptJson(tokens, tokensAad(userId));
  };

  const filtered = (filter: Omit<ListConnectionsFilter, "limit" | "offset">): SqlFilter => {
    const sql = createSqlFilter();
    if (filter.provider !== undefined) sql.add(`provider = ${sql.bind(filter.provider)}`);
    if (filter.active !== undefined) sql.add(`active = ${sql.bind(filter.active)}`);
    if (filter.referenceId !== undefined) sql.add(`reference_id = ${sql.bind(filter.referenceId)}`);
    if (filter.developerId !== undefined) sql.add(`developer_id = ${sql.bind(filter.developerId)}`);
    if (filter.paused !== undefined) sql.add(filter.paused ? "paused_at IS NOT NULL" : "paused_at IS NULL");
    return sql;
  };

  return {
    async createConnection(input) {
      const provider = assertNonEmpty(input.provider, "provider");
      const userId = input.userId === undefined ? randomUUID() : assertUuid(input.userId, "userId");
      const scopes = typeof input.scopes === "string" || input.scopes == null ? input.scopes : input.scopes.join(",");
      try {
        const { rows } = await db.query<Record<string, unknown>>(
          `INSERT INTO connections (user_id, provider, reference_id, provider_user_id, scopes, tokens_ciphertext, developer_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
          [userId, provider, input.referenceId, input.providerUserId, scopes, encryptTokens(userId, input.tokens), input.developerId ?? null],
        );
        return toConnection(returnedRow(rows));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new UserError(
          StateErrorCodes.CONFLICT,
          `a connection with this user_id, or an active ${provider} connection of the same provider account, developer and reference_id, already exists`,
          { cause: error, details: { provider } },
        );
      }
    },

    async getConnection(userId) {
      if (!isUuid(userId)) return undefined;
      return one(`SELECT ${COLUMNS} FROM connections WHERE user_id = $1`, [userId]);
    },

    async getConnections(userIds) {
      const uuids = [...new Set(userIds)].filter(isUuid);
      if (uuids.length === 0) return new Map();
      const { rows } = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM connections WHERE user_id = ANY($1::uuid[])`, [uuids]);
      return new Map(rows.map((row) => [String(row.user_id), toConnection(row)]));
    },

    async findByProviderUserId(provider, providerUserId, owner) {
      if (owner === undefined) {
        return one(
          `SELECT ${COLUMNS} FROM connections WHERE provider = $1 AND provider_user_id = $2 AND active ORDER BY created_at DESC, created_seq DESC LIMIT 1`,
          [provider, providerUserId],
        );
      }
      // The unique index's key: a missing developer or reference_id is the empty one.
      return one(
        `SELECT ${COLUMNS} FROM connections WHERE provider = $1 AND provider_user_id = $2 AND active
           AND COALESCE(developer_id, '') = $3 AND COALESCE(reference_id, '') = $4`,
        [provider, providerUserId, owner.developerId ?? "", owner.referenceId ?? ""],
      );
    },

    async findByProviderUserIds(provider, providerUserIds) {
      const ids = [...new Set(providerUserIds)];
      if (ids.length === 0) return new Map();
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM connections WHERE provider = $1 AND provider_user_id = ANY($2::text[]) AND active ORDER BY created_at, created_seq`,
        [provider, ids],
      );
      const found = new Map<string, Connection[]>();
      for (const row of rows) {
        const connection = toConnection(row);
        const same = found.get(connection.provider_user_id!);
        if (same) same.push(connection);
        else found.set(connection.provider_user_id!, [connection]);
      }
      // Ids are stored with NUL escaped (sql-params.ts): answer under the id as it was asked for.
      for (const id of ids) {
        const escaped = id.replaceAll("\u0000", NUL_ESCAPE);
        if (escaped !== id && found.has(escaped)) found.set(id, found.get(escaped)!);
      }
      return found;
    },

    async listByReferenceId(referenceId) {
      const { rows } = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM connections WHERE reference_id = $1 ORDER BY created_at, created_seq`, [
        referenceId,
      ]);
      return rows.map(toConnection);
    },

    async listConnections(filter = {}) {
      const sql = filtered(filter);
      const limit = sql.bind(limitParam(filter.limit));
      const offset = sql.bind(offsetParam(filter.offset));
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM connections ${sql.where()} ORDER BY created_at, created_seq LIMIT ${limit} OFFSET ${offset}`,
        sql.params,
      );
      return rows.map(toConnection);
    },

    async countConnections(filter = {}) {
      const sql = filtered(filter);
      const { rows } = await db.query<{ count: unknown }>(`SELECT count(*) AS count FROM connections ${sql.where()}`, sql.params);
      return Number(rows[0]?.count ?? 0);
    },

    async getTokens(userId) {
      if (!isUuid(userId)) return undefined;
      const { rows } = await db.query<{ user_id: string; tokens_ciphertext: string | null }>(
        "SELECT user_id, tokens_ciphertext FROM connections WHERE user_id = $1",
        [userId],
      );
      const row = rows[0];
      if (row?.tokens_ciphertext == null) return undefined;
      return cipher.decryptJson<ConnectionTokens>(row.tokens_ciphertext, tokensAad(row.user_id));
    },

    async setTokens(userId, tokens) {
      const id = assertUuid(userId, "userId");
      const { rows } = await db.query("UPDATE connections SET tokens_ciphertext = $2, updated_at = now() WHERE user_id = $1 RETURNING user_id", [
        id,
        encryptTokens(id, tokens),
      ]);
      if (rows.length === 0) throw connectionNotFound(id);
    },

    async replaceTokens(userId, from, next) {
      const id = assertUuid(userId, "userId");
      const { rows } = await db.query<{ tokens_ciphertext: string | null }>("SELECT tokens_ciphertext FROM connections WHERE user_id = $1", [id]);
      if (rows.length === 0) throw connectionNotFound(id);
      const seen = rows[0]!.tokens_ciphertext;
      // Compared as stored (JSON): a field `from` holds as undefined is one the stored tokens lack.
      const expected: unknown = JSON.parse(JSON.stringify(from));
      if (seen === null || !isDeepStrictEqual(cipher.decryptJson<ConnectionTokens>(seen, tokensAad(id)), expected)) return false;
      // Every write encrypts with a fresh IV: the ciphertext read is the version compared and set.
      const updated = await db.query(
        "UPDATE connections SET tokens_ciphertext = $2, updated_at = now() WHERE user_id = $1 AND tokens_ciphertext = $3 RETURNING user_id",
        [id, encryptTokens(id, next), seen],
      );
      return updated.rows.length === 1;
    },

    async touchWebhookUpdate(userId, at = new Date()) {
      if (!isUuid(userId)) return undefined;
      return one(
        `UPDATE connections
         SET last_webhook_update = GREATEST(last_webhook_update, $2::timestamptz), updated_at = now()
         WHERE user_id = $1 RETURNING ${COLUMNS}`,
        [userId, timestampParam(at, "at")],
      );
    },

    async markPolled(userId, at = new Date(), mostRecentDataAt) {
      if (!isUuid(userId)) return undefined;
      return one(
        `UPDATE connections
         SET last_polled_at = GREATEST(last_polled_at, $2::timestamptz),
             most_recent_data_at = GREATEST(most_recent_data_at, $3::timestamptz),
             updated_at = now()
         WHERE user_id = $1 RETURNING ${COLUMNS}`,
        [userId, timestampParam(at, "at"), mostRecentDataAt == null ? null : timestampParam(mostRecentDataAt, "mostRecentDataAt")],
      );
    },

    async markDataSeen(userId, newestDataAt) {
      if (!isUuid(userId)) return;
      await db.query(
        `UPDATE connections
         SET most_recent_data_at = GREATEST(most_recent_data_at, $2::timestamptz), stale_since = NULL, updated_at = now()
         WHERE user_id = $1`,
        [userId, timestampParam(newestDataAt, "newestDataAt")],
      );
    },

    async inactiveAmong(userIds) {
      const candidates = [...new Set(userIds)];
      const uuids = candidates.filter(isUuid);
      const { rows } = uuids.length
        ? await db.query<{ user_id: string }>("SELECT user_id FROM connections WHERE user_id = ANY($1::uuid[]) AND active AND paused_at IS NULL", [uuids])
        : { rows: [] };
      const active = new Set(rows.map((row) => row.user_id));
      return new Set(candidates.filter((id) => !active.has(id)));
    },

    async deactivate(userId) {
      if (!isUuid(userId)) return undefined;
      return one(`${ERASE_RECORD_PARTS} UPDATE connections SET active = false, updated_at = now() WHERE user_id = $1 RETURNING ${COLUMNS}`, [userId]);
    },

    async replaceScopes(userId, scopes, changedAt) {
      if (!isUuid(userId)) return undefined;
      const { rows } = await db.query<Record<string, unknown>>(
        `WITH previous AS (SELECT user_id, scopes FROM connections WHERE user_id = $1 AND active FOR UPDATE)
         UPDATE connections c SET scopes = $2, scopes_changed_at = $3::timestamptz, updated_at = now()
         FROM previous
         WHERE c.user_id = previous.user_id AND (c.scopes_changed_at IS NULL OR c.scopes_changed_at < $3::timestamptz)
         RETURNING previous.scopes AS previous_scopes, ${qualified("c")}`,
        [userId, scopes.join(","), timestampParam(changedAt, "changedAt")],
      );
      const row = rows[0];
      return row === undefined ? undefined : { previous: (row.previous_scopes as string | null) ?? null, connection: toConnection(row) };
    },

    async markAuthRevoked(userId, reason) {
      if (!isUuid(userId)) return undefined;
      return one(
        `UPDATE connections SET auth_status = 'revoked', auth_error = $2, auth_error_at = now(), updated_at = now()
         WHERE user_id = $1 RETURNING ${COLUMNS}`,
        [userId, assertNonEmpty(reason, "reason")],
      );
    },

    async deactivateIfActive(userId) {
      if (!isUuid(userId)) return undefined;
      return one(`${ERASE_RECORD_PARTS} UPDATE connections SET active = false, updated_at = now() WHERE user_id = $1 AND active RETURNING ${COLUMNS}`, [
        userId,
      ]);
    },

    async pause(userId) {
      if (!isUuid(userId)) return undefined;
      return one(`UPDATE connections SET paused_at = COALESCE(paused_at, now()), updated_at = now() WHERE user_id = $1 RETURNING ${COLUMNS}`, [userId]);
    },

    async resume(userId) {
      if (!isUuid(userId)) return undefined;
      // The self-join reads the row as it was before this statement changed it.
      const { rows } = await db.query<Record<string, unknown>>(
        `UPDATE connections c SET paused_at = NULL, updated_at = now()
         FROM connections before
         WHERE c.user_id = $1 AND before.user_id = c.user_id
         RETURNING ${qualified("c")}, before.paused_at AS paused_before`,
        [userId],
      );
      const row = rows[0];
      return row === undefined ? undefined : { connection: toConnection(row), pausedAt: toIsoOrNull(row.paused_before) };
    },

    async adoptConnections(developerId) {
      const { rows } = await db.query<{ count: unknown }>(
        `WITH adopted AS (UPDATE connections SET developer_id = $1 WHERE developer_id IS NULL RETURNING 1)
         SELECT count(*) AS count FROM adopted`,
        [assertNonEmpty(developerId, "developerId")],
      );
      return Number(rows[0]?.count ?? 0);
    },

    async staleCandidates(filter) {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM connections
         WHERE provider = $1 AND active AND paused_at IS NULL AND stale_since IS NULL
           AND COALESCE(most_recent_data_at, created_at) < $2::timestamptz
         ORDER BY created_at, created_seq LIMIT $3`,
        [filter.provider, timestampParam(filter.before, "before"), limitParam(filter.limit ?? 500)],
      );
      return rows.map(toConnection);
    },

    async markStale(userIds) {
      const uuids = [...new Set(userIds)].filter(isUuid);
      if (uuids.length === 0) return [];
      const { rows } = await db.query<{ user_id: string }>(
        "UPDATE connections SET stale_since = now() WHERE user_id = ANY($1::uuid[]) AND stale_since IS NULL RETURNING user_id",
        [uuids],
      );
      return rows.map((row) => String(row.user_id));
    },

    async countStale() {
      const { rows } = await db.query<{ provider: string; count: unknown }>(
        `SELECT provider, count(*) AS count FROM connections
         WHERE active AND paused_at IS NULL AND stale_since IS NOT NULL GROUP BY provider`,
      );
      return new Map(rows.map((row) => [String(row.provider), Number(row.count)]));
    },

    async deleteConnection(userId) {
      if (!isUuid(userId)) return false;
      const { rows } = await db.query("DELETE FROM connections WHERE user_id = $1 RETURNING user_id", [userId]);
      return rows.length > 0;
    },
  };
}

export function connectionNotFound(userId: string): UserError {
  return new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `no connection with user_id ${userId}`, { details: { userId } });
}

function toConnection(row: Record<string, unknown>): Connection {
  return {
    user_id: String(row.user_id),
    provider: String(row.provider),
    developer_id: (row.developer_id as string | null) ?? null,
    reference_id: (row.reference_id as string | null) ?? null,
    provider_user_id: (row.provider_user_id as string | null) ?? null,
    scopes: (row.scopes as string | null) ?? null,
    active: row.active === true,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
    last_webhook_update: toIsoOrNull(row.last_webhook_update),
    last_polled_at: toIsoOrNull(row.last_polled_at),
    most_recent_data_at: toIsoOrNull(row.most_recent_data_at),
    auth_status: row.auth_status === "revoked" ? "revoked" : "ok",
    auth_error: (row.auth_error as string | null) ?? null,
    auth_error_at: toIsoOrNull(row.auth_error_at),
    paused_at: toIsoOrNull(row.paused_at),
  };
}
