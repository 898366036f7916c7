import { redacted } from "../redaction/index.ts";
import type { Database } from "./database.ts";
import { invalidArgument, returnedRow } from "./state-errors.ts";
import type {
  ListQuarantineFilter,
  PurgeQuarantineFilter,
  QuarantineFilter,
  QuarantineIssue,
  QuarantineRecordInput,
  QuarantinedRecord,
} from "./quarantine-types.ts";
import { createSqlFilter, type SqlFilter } from "./sql-filter.ts";
import { assertId, assertUuid, jsonParam, limitParam, timestampParam, toId, toIso, toIsoOrNull } from "./sql-values.ts";

export interface QuarantineRepository {
  quarantineRecord(input: QuarantineRecordInput): Promise<number>;
  /** Newest first; unresolved only unless asked. */
  listQuarantine(filter?: ListQuarantineFilter): Promise<QuarantinedRecord[]>;
  /** Unresolved only unless asked (the number operators need to see go down). */
  countQuarantine(filter?: QuarantineFilter): Promise<number>;
  getQuarantined(id: number): Promise<QuarantinedRecord | undefined>;
  /** False when unknown or already resolved. */
  resolveQuarantine(id: number): Promise<boolean>;
  /** Deletes entries for good; returns how many. */
  purgeQuarantine(filter: PurgeQuarantineFilter): Promise<number>;
}

const COLUMNS = `id, user_id, provider, data_type, record, raw, issues, trace_id, created_at, resolved_at`;

export function createQuarantineRepository(db: Database): QuarantineRepository {
  const filtered = (filter: QuarantineFilter): SqlFilter => {
    const sql = createSqlFilter();
    if (filter.userId !== undefined) sql.add(`user_id = ${sql.bind(assertUuid(filter.userId, "userId"))}`);
    if (filter.dataType !== undefined) sql.add(`data_type = ${sql.bind(filter.dataType)}`);
    if (filter.provider !== undefined) sql.add(`provider = ${sql.bind(filter.provider)}`);
    if (filter.includeResolved !== true) sql.add("resolved_at IS NULL");
    return sql;
  };

  return {
    async quarantineRecord(input) {
      if (!Array.isArray(input.issues) || input.issues.length === 0) {
        throw invalidArgument("issues must list at least one validation issue");
      }
      const { rows } = await db.query<{ id: unknown }>(
        `INSERT INTO quarantine (user_id, provider, data_type, record, raw, issues, trace_id)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7) RETURNING id`,
        [
          input.userId == null ? null : assertUuid(input.userId, "userId"),
          input.provider ?? null,
          input.dataType ?? null,
          jsonParam(redacted(input.record, input.secrets)),
          jsonParam(redacted(input.raw, input.secrets)),
          jsonParam(redacted(input.issues, input.secrets)),
          input.traceId ?? null,
        ],
      );
      return toId(returnedRow(rows).id);
    },

    async listQuarantine(filter = {}) {
      const sql = filtered(filter);
      const limit = sql.bind(limitParam(filter.limit));
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM quarantine ${sql.where()} ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
        sql.params,
      );
      return rows.map(toQuarantined);
    },

    async countQuarantine(filter = {}) {
      const sql = filtered(filter);
      const { rows } = await db.query<{ count: unknown }>(`SELECT count(*) AS count FROM quarantine ${sql.where()}`, sql.params);
      return Number(rows[0]?.count ?? 0);
    },

    async getQuarantined(id) {
      const { rows } = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM quarantine WHERE id = $1`, [assertId(id, "id")]);
      return rows[0] === undefined ? undefined : toQuarantined(rows[0]);
    },

    async purgeQuarantine(filter) {
      const sql = createSqlFilter();
      if (filter.ids !== undefined) sql.add(`id = ANY(${sql.bind(filter.ids.map((id) => assertId(id, "id")))}::bigint[])`);
      if (filter.resolvedOnly === true) sql.add("resolved_at IS NOT NULL");
      if (filter.before !== undefined) sql.add(`created_at < ${sql.bind(timestampParam(filter.before, "before"))}`);
      if (sql.where() === "") throw invalidArgument("purging the quarantine needs ids, resolvedOnly or before");
      const { rows } = await db.query(`DELETE FROM quarantine ${sql.where()} RETURNING id`, sql.params);
      return rows.length;
    },

    async resolveQuarantine(id) {
      const { rows } = await db.query("UPDATE quarantine SET resolved_at = now() WHERE id = $1 AND resolved_at IS NULL RETURNING id", [assertId(id, "id")]);
      return rows.length > 0;
    },
  };
}

function toQuarantined(row: Record<string, unknown>): QuarantinedRecord {
  return {
    id: toId(row.id),
    user_id: (row.user_id as string | null) ?? null,
    provider: (row.provider as string | null) ?? null,
    data_type: (row.data_type as string | null) ?? null,
    record: row.record ?? null,
    raw: row.raw ?? null,
    issues: row.issues as QuarantineIssue[],
    trace_id: (row.trace_id as string | null) ?? null,
    created_at: toIso(row.created_at),
    resolved_at: toIsoOrNull(row.resolved_at),
  };
}
