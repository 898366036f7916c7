import type { Database } from "./database.ts";
import { connectionNotFound } from "./connections.ts";
import { invalidArgument } from "./state-errors.ts";
import { assertNonEmpty, assertUuid, isUuid, jsonParam } from "./sql-values.ts";
import { isForeignKeyViolation } from "./sqlstate.ts";

/** Where polling left off per connection and data type: any JSON the connector chooses. */
export interface CursorRepository {
  getCursor<T = unknown>(userId: string, dataType: string): Promise<T | undefined>;
  /** Upsert; throws ERR_CONNECTION_NOT_FOUND when the connection does not exist. */
  setCursor(userId: string, dataType: string, cursor: unknown): Promise<void>;
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
      if (cursor === undefined || cursor === null) throw invalidArgument("cursor must be a JSON value, not null");
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
  };
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
      if (cursor === undefined || cursor === null) throw invalidArgument("cursor must be a JSON value, not null");
      cursors.set(key(userId, dataType), structuredClone(cursor));
    },
  };
}
