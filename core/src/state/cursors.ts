import type { Database } from "./database.ts";
import { connectionNotFound } from "./connections.ts";
import { invalidArgument } from "./state-errors.ts";
import { assertNonEmpty, assertUuid, isUuid, jsonParam } from "./sql-values.ts";
import { isForeignKeyViolation } from "./sqlstate.ts";

/**
 * What an update makes of a cursor row: the value to keep, or undefined to leave the row as it is. It is
 * synchronous on purpose — it runs while the row is locked, so it must not wait on anything — and it may
 * run more than once (see `updateCursor`), so it computes from `current` and keeps no effects of its own.
 */
export type CursorUpdate<T> = (current: T | undefined) => T | undefined;

/** Where polling left off per connection and data type: any JSON the connector chooses. */
export interface CursorRepository {
  getCursor<T = unknown>(userId: string, dataType: string): Promise<T | undefined>;
  /** Upsert; throws ERR_CONNECTION_NOT_FOUND when the connection does not exist. */
  setCursor(userId: string, dataType: string, cursor: unknown): Promise<void>;
  /**
   * Read-modify-write of one row as one step: `update` sees the row as it is, and no other update of that
   * row runs until what it returns is kept, so jobs of one connection that merge into the same row (a
   * pull and a push each adding an offset learned) keep each other's entries. Resolves with the row's value
   * afterwards. When `update` throws, the row is left unchanged and the error is passed on. Throws
   * ERR_CONNECTION_NOT_FOUND when the connection does not exist and `update` writes.
   */
  updateCursor<T = unknown>(userId: string, dataType: string, update: CursorUpdate<T>): Promise<T | undefined>;
}

export function createCursorRepository(db: Database): CursorRepository {
  return {
    async getCursor<T>(userId: string, dataType: string): Promise<T | undefined> {
      if (!isUuid(userId)) return undefined;
      const { rows } = await db.query<{ cursor: T }>("SELECT cursor FROM cursors WHERE user_id = $1 AND data_type = $2", [userId, dataType]);
      return rows[0]?.cursor;
    },

    async setCursor(userId, dataType, cursor) {
      const id = assertUuid(userId, "userId");
      assertNonEmpty(dataType, "dataType");
      assertCursor(cursor);
      try {
        await db.query(
          `INSERT INTO cursors (user_id, data_type, cursor) VALUES ($1, $2, $3::jsonb)
           ON CONFLICT (user_id, data_type) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
          [id, dataType, jsonParam(cursor)],
        );
      } catch (error) {
        if (isForeignKeyViolation(error)) throw connectionNotFound(id);
        throw error;
      }
    },

    async updateCursor<T>(userId: string, dataType: string, update: CursorUpdate<T>): Promise<T | undefined> {
      const id = assertUuid(userId, "userId");
      assertNonEmpty(dataType, "dataType");
      try {
        return await db.transaction((tx) => lockedUpdate(tx, id, dataType, update));
      } catch (error) {
        if (isForeignKeyViolation(error)) throw connectionNotFound(id);
        throw error;
      }
    },
  };
}

/**
 * The row locked (`FOR UPDATE`) until the transaction ends, so a concurrent update waits and then reads
 * what this one kept. A row that does not exist yet locks nothing: the first to insert it wins, and a
 * loser (its INSERT waited for the winner's commit, then did nothing) locks the row now there and runs
 * `update` again on it — hence an update may run twice.
 */
async function lockedUpdate<T>(tx: Database, userId: string, dataType: string, update: CursorUpdate<T>): Promise<T | undefined> {
  for (;;) {
    const { rows } = await tx.query<{ cursor: T }>("SELECT cursor FROM cursors WHERE user_id = $1 AND data_type = $2 FOR UPDATE", [userId, dataType]);
    const current = rows[0]?.cursor;
    const next = nextCursor(update, current);
    if (next === undefined) return current;
    if (rows.length > 0) {
      await tx.query("UPDATE cursors SET cursor = $3::jsonb, updated_at = now() WHERE user_id = $1 AND data_type = $2", [userId, dataType, jsonParam(next)]);
      return next;
    }
    const inserted = await tx.query(
      "INSERT INTO cursors (user_id, data_type, cursor) VALUES ($1, $2, $3::jsonb) ON CONFLICT (user_id, data_type) DO NOTHING RETURNING 1",
      [userId, dataType, jsonParam(next)],
    );
    if (inserted.rows.length > 0) return next;
  }
}

function nextCursor<T>(update: CursorUpdate<T>, current: T | undefined): T | undefined {
  const next = update(current);
  if (typeof (next as { then?: unknown } | null | undefined)?.then === "function")
    throw invalidArgument("a cursor update must return the next cursor, not a promise: it runs while the row is locked");
  if (next !== undefined) assertCursor(next);
  return next;
}

function assertCursor(cursor: unknown): void {
  if (cursor === undefined || cursor === null) throw invalidArgument("cursor must be a JSON value, not null");
}

/**
 * Cursors held in memory for one run: what a connector pull from the CLI (or a connector's test) keeps
 * between its streams — a time zone one stream learned and another reads — with no state store.
 */
export function createMemoryCursorRepository(): CursorRepository {
  const cursors = new Map<string, unknown>();
  const key = (userId: string, dataType: string) => JSON.stringify([userId, dataType]);
  return {
    async getCursor<T>(userId: string, dataType: string) {
      return structuredClone(cursors.get(key(userId, dataType))) as T | undefined;
    },
    async setCursor(userId, dataType, cursor) {
      assertCursor(cursor);
      cursors.set(key(userId, dataType), structuredClone(cursor));
    },
    // Atomic as it is: the update is synchronous, so nothing else runs between its read and its write.
    async updateCursor<T>(userId: string, dataType: string, update: CursorUpdate<T>) {
      const current = structuredClone(cursors.get(key(userId, dataType))) as T | undefined;
      const next = nextCursor(update, current);
      if (next === undefined) return current;
      cursors.set(key(userId, dataType), structuredClone(next));
      return structuredClone(next);
    },
  };
}
