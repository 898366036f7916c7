import type { DataRow, EventRow, UserRow } from "../batch-plan.ts";
import type { Statement, SqlStatements } from "../sql-driver.ts";
import { DATA_TABLE_TYPES, type DataTableType, type TableNames } from "../table-names.ts";
import { quote } from "./mysql-names.ts";

function values<R>(rows: readonly R[], extra: string, params: (row: R) => unknown[]): Statement {
  const all: unknown[] = [];
  const tuples = rows.map((row) => {
    const rowParams = params(row);
    all.push(...rowParams);
    return `(${rowParams.map(() => "?").join(", ")}${extra})`;
  });
  return { sql: tuples.join(",\n"), params: all };
}

/**
 * DATETIME holds years 1000–9999 and no zone: times are stored in UTC, and a start time outside that
 * range (a provider's bogus date) is left empty rather than failing the batch; the payload keeps it.
 */
function utc(time: Date | null): string | null {
  if (time === null) return null;
  const year = time.getUTCFullYear();
  if (year < 1000 || year > 9999) return null;
  return time.toISOString().replace("T", " ").replace("Z", "");
}

// MySQL applies ON DUPLICATE KEY UPDATE assignments left to right, each seeing the ones before it, so the
// ordering_ts that the conditions compare against is assigned last.
const ifNewer = (column: string, value = `VALUES(${column})`) => `${column} = IF(VALUES(ordering_ts) >= ordering_ts, ${value}, ${column})`;

export function mysqlStatements(tables: TableNames): SqlStatements {
  return {
    upsertUsers(rows: readonly UserRow[]): Statement {
      const v = values(rows, ", UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)", (u) => [
        u.userId,
        u.provider,
        u.referenceId,
        u.scopes,
        u.active,
        u.state ?? "active",
        u.stateTs,
        u.orderingTs,
      ]);
      // Profile fields follow the newest payload, the state follows the newest lifecycle event.
      return {
        sql: `INSERT INTO ${quote(tables.users)}
          (user_id, provider, reference_id, scopes, active, state, state_ordering_ts, ordering_ts, created_at, updated_at)
          VALUES ${v.sql}
          ON DUPLICATE KEY UPDATE
            ${ifNewer("provider", "COALESCE(VALUES(provider), provider)")},
            ${ifNewer("reference_id", "COALESCE(VALUES(reference_id), reference_id)")},
            ${ifNewer("scopes", "COALESCE(VALUES(scopes), scopes)")},
            ${ifNewer("active", "COALESCE(VALUES(active), active)")},
            state = IF(VALUES(state_ordering_ts) > 0 AND VALUES(state_ordering_ts) >= state_ordering_ts, VALUES(state), state),
            state_ordering_ts = GREATEST(state_ordering_ts, VALUES(state_ordering_ts)),
            ordering_ts = GREATEST(ordering_ts, VALUES(ordering_ts)),
            updated_at = UTC_TIMESTAMP(6)`,
        params: v.params,
      };
    },

    upsertData(type: DataTableType, rows: readonly DataRow[]): Statement {
      const v = values(rows, ", UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)", (r) => [
        r.userId,
        r.naturalKey,
        r.provider,
        utc(r.startTime),
        utc(r.endTime),
        r.payload,
        r.traceId,
        r.orderingTs,
      ]);
      return {
        sql: `INSERT INTO ${quote(tables.data[type])}
          (user_id, natural_key, provider, start_time, end_time, payload, trace_id, ordering_ts, created_at, updated_at)
          VALUES ${v.sql}
          ON DUPLICATE KEY UPDATE
            ${ifNewer("provider")},
            ${ifNewer("start_time")},
            ${ifNewer("end_time")},
            ${ifNewer("payload")},
            ${ifNewer("trace_id")},
            ${ifNewer("updated_at")},
            ordering_ts = GREATEST(ordering_ts, VALUES(ordering_ts))`,
        params: v.params,
      };
    },

    insertEvents(rows: readonly EventRow[]): Statement {
      const v = values(rows, ", UTC_TIMESTAMP(6)", (e) => [e.userId, e.eventType, e.naturalKey, utc(e.eventTime), e.payload, e.traceId]);
      // A replayed event is the same event: keep the stored row (an assignment to itself is a no-op).
      return {
        sql: `INSERT INTO ${quote(tables.events)} (user_id, event_type, natural_key, event_time, payload, trace_id, created_at)
          VALUES ${v.sql}
          ON DUPLICATE KEY UPDATE user_id = user_id`,
        params: v.params,
      };
    },

    deleteUser(userId: string): Statement[] {
      const from = [...DATA_TABLE_TYPES.map((type) => tables.data[type]), tables.events, tables.users];
      return from.map((table) => ({ sql: `DELETE FROM ${quote(table)} WHERE user_id = ?`, params: [userId] }));
    },
  };
}
