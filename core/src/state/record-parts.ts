import type { Database } from "./database.ts";
import { assertNonEmpty, isUuid, jsonParam } from "./sql-values.ts";

/** One part of a record several provider records make together, as kept between deliveries. */
export interface StoredRecordPart {
  /** Where parts disagree on a value, the higher precedence wins, then the newer part. */
  precedence: number;
  /** When the part arrived (ms since the epoch): the newer of two equal-precedence parts wins. */
  at: number;
  record: Record<string, unknown>;
}

/** The parts of one record (user, data type, natural key), by part id. */
export type StoredRecordParts = Record<string, StoredRecordPart>;

export interface RecordPartRepository {
  /**
   * Adds parts to one record — a part with an id already kept replaces it — and returns every part the
   * record has now, in one statement (concurrent adds to the same record both end up in it). For a user
   * who is not an active connection nothing is kept, and only the given parts come back.
   */
  addRecordParts(userId: string, dataType: string, recordKey: string, parts: StoredRecordParts): Promise<StoredRecordParts>;
  /** Every part one record has now, with its version (grows with each change), or undefined when none is kept. */
  readRecordParts(userId: string, dataType: string, recordKey: string): Promise<VersionedRecordParts | undefined>;
  /** Removes the records of a provider's users that no part arrived for since `before`; resolves with how many. */
  pruneRecordParts(filter: { provider: string; before: Date }): Promise<number>;
}

export interface VersionedRecordParts {
  parts: StoredRecordParts;
  /** Milliseconds since the epoch of the parts' last change, at least one more than the previous version. */
  version: number;
}

export function createRecordPartRepository(db: Database): RecordPartRepository {
  return {
    async addRecordParts(userId, dataType, recordKey, parts) {
      if (!isUuid(userId)) return parts;
      const { rows } = await db.query<{ parts: StoredRecordParts }>(
        `INSERT INTO record_parts (user_id, data_type, record_key, parts)
         SELECT $1, $2, $3, $4::jsonb WHERE EXISTS (SELECT 1 FROM connections WHERE user_id = $1 AND active)
         ON CONFLICT (user_id, data_type, record_key) DO UPDATE SET parts = record_parts.parts || EXCLUDED.parts, updated_at = now(),
           version = GREATEST(record_parts.version + 1, EXCLUDED.version)
         RETURNING parts`,
        [userId, assertNonEmpty(dataType, "dataType"), assertNonEmpty(recordKey, "recordKey"), jsonParam(parts)],
      );
      return rows[0]?.parts ?? parts;
    },

    async readRecordParts(userId, dataType, recordKey) {
      if (!isUuid(userId)) return undefined;
      const { rows } = await db.query<{ parts: StoredRecordParts; version: string }>(
        "SELECT parts, version FROM record_parts WHERE user_id = $1 AND data_type = $2 AND record_key = $3",
        [userId, dataType, recordKey],
      );
      const row = rows[0];
      return row ? { parts: row.parts, version: Number(row.version) } : undefined;
    },

    async pruneRecordParts({ provider, before }) {
      const { rows } = await db.query<{ n: number }>(
        `WITH pruned AS (
           DELETE FROM record_parts p USING connections c
           WHERE p.user_id = c.user_id AND c.provider = $1 AND p.updated_at < $2 RETURNING 1
         ) SELECT count(*)::int AS n FROM pruned`,
        [assertNonEmpty(provider, "provider"), before.toISOString()],
      );
      return rows[0]?.n ?? 0;
    },
  };
}
