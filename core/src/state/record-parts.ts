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
}

export function createRecordPartRepository(db: Database): RecordPartRepository {
  return {
    async addRecordParts(userId, dataType, recordKey, parts) {
      if (!isUuid(userId)) return parts;
      const { rows } = await db.query<{ parts: StoredRecordParts }>(
        `INSERT INTO record_parts (user_id, data_type, record_key, parts)
         SELECT $1, $2, $3, $4::jsonb WHERE EXISTS (SELECT 1 FROM connections WHERE user_id = $1 AND active)
         ON CONFLICT (user_id, data_type, record_key) DO UPDATE SET parts = record_parts.parts || EXCLUDED.parts, updated_at = now()
         RETURNING parts`,
        [userId, assertNonEmpty(dataType, "dataType"), assertNonEmpty(recordKey, "recordKey"), jsonParam(parts)],
      );
      return rows[0]?.parts ?? parts;
    },
  };
}
