import type { DataRow, EventRow, UserRow } from "../batch-plan.ts";
import type { Statement, SqlStatements } from "../sql-driver.ts";
import { DATA_TABLE_TYPES, type DataTableType, type TableNames } from "../table-names.ts";
import { qualified } from "./postgres-names.ts";

/** `($1::text, $2::bigint, …)` for each row; explicit casts because a multi-row VALUES list is typed from its first row. */
function values<R>(rows: readonly R[], casts: readonly string[], extra: string, params: (row: R) => unknown[]): Statement {
  const all: unknown[] = [];
  const tuples = rows.map((row) => {
    const rowParams = params(row);
    const placeholders = casts.map((cast, i) => `$${all.length + i + 1}::${cast}`);
    all.push(...rowParams);
    return `(${placeholders.join(", ")}${extra})`;
  });
  return { sql: tuples.join(",\n"), params: all };
}

const iso = (time: Date | null): string | null => (time === null ? null : time.toISOString());

export function postgresStatements(schema: string, tables: TableNames): SqlStatements {
  const t = (table: string) => qualified(schema, table);
  return {
    upsertUsers(rows: readonly UserRow[]): Statement {
      const v = values(rows, ["text", "text", "text", "text", "boolean", "text", "bigint", "bigint"], ", now(), now()", (u) => [
        u.userId,
        u.provider,
        u.referenceId,
        u.scopes,
        u.active,
        u.state ?? "active",
        u.stateTs,
        u.orderingTs,
      ]);
      // Profile fields follow the newest payload, the state follows the newest lifecycle event: a late data
      // payload must not revive a user who was deauthenticated after it was emitted.
      const newer = "excluded.ordering_ts >= u.ordering_ts";
      return {
        sql: `INSERT INTO ${t(tables.users)} AS u
          (user_id, provider, reference_id, scopes, active, state, state_ordering_ts, ordering_ts, created_at, updated_at)
          VALUES ${v.sql}
          ON CONFLICT (user_id) DO UPDATE SET
            provider = CASE WHEN ${newer} THEN COALESCE(excluded.provider, u.provider) ELSE u.provider END,
            reference_id = CASE WHEN ${newer} THEN COALESCE(excluded.reference_id, u.reference_id) ELSE u.reference_id END,
            scopes = CASE WHEN ${newer} THEN COALESCE(excluded.scopes, u.scopes) ELSE u.scopes END,
            active = CASE WHEN ${newer} THEN COALESCE(excluded.active, u.active) ELSE u.active END,
            state = CASE WHEN excluded.state_ordering_ts > 0 AND excluded.state_ordering_ts >= u.state_ordering_ts
              THEN excluded.state ELSE u.state END,
            state_ordering_ts = GREATEST(u.state_ordering_ts, excluded.state_ordering_ts),
            ordering_ts = GREATEST(u.ordering_ts, excluded.ordering_ts),
            updated_at = now()`,
        params: v.params,
      };
    },

    upsertData(type: DataTableType, rows: readonly DataRow[]): Statement {
      const v = values(rows, ["text", "text", "text", "timestamptz", "timestamptz", "jsonb", "text", "bigint"], ", now(), now()", (r) => [
        r.userId,
        r.naturalKey,
        r.provider,
        iso(r.startTime),
        iso(r.endTime),
        r.payload,
        r.traceId,
        r.orderingTs,
      ]);
      return {
        sql: `INSERT INTO ${t(tables.data[type])} AS d
          (user_id, natural_key, provider, start_time, end_time, payload, trace_id, ordering_ts, created_at, updated_at)
          VALUES ${v.sql}
          ON CONFLICT (user_id, natural_key) DO UPDATE SET
            provider = excluded.provider,
            start_time = excluded.start_time,
            end_time = excluded.end_time,
            payload = excluded.payload,
            trace_id = excluded.trace_id,
            ordering_ts = excluded.ordering_ts,
            updated_at = excluded.updated_at
          WHERE excluded.ordering_ts >= d.ordering_ts`,
        params: v.params,
      };
    },

    insertEvents(rows: readonly EventRow[]): Statement {
      const v = values(rows, ["text", "text", "text", "timestamptz", "jsonb", "text"], ", now()", (e) => [
        e.userId,
        e.eventType,
        e.naturalKey,
        e.eventTime.toISOString(),
        e.payload,
        e.traceId,
      ]);
      return {
        sql: `INSERT INTO ${t(tables.events)} (user_id, event_type, natural_key, event_time, payload, trace_id, created_at)
          VALUES ${v.sql}
          ON CONFLICT (user_id, event_type, natural_key) DO NOTHING`,
        params: v.params,
      };
    },

    deleteUser(userId: string): Statement[] {
      const from = [...DATA_TABLE_TYPES.map((type) => tables.data[type]), tables.events, tables.users];
      return from.map((table) => ({ sql: `DELETE FROM ${t(table)} WHERE user_id = $1::text`, params: [userId] }));
    },
  };
}
