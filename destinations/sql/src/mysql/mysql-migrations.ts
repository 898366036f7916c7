import { DATA_TABLE_TYPES } from "../table-names.ts";
import type { Migration } from "../migration.ts";
import { quote } from "./mysql-names.ts";

// Binary collation: natural keys and ids compare byte for byte, as they do on PostgreSQL.
const TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

/**
 * Ordered schema steps for MySQL and MariaDB. DDL is not transactional there, so every statement must be
 * safe to run again after a crash half-way through a step (IF NOT EXISTS, indexes inline).
 */
export const MYSQL_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: "users, one table per data type, events",
    statements: (tables) => [
      `CREATE TABLE IF NOT EXISTS ${quote(tables.users)} (
        user_id VARCHAR(128) NOT NULL,
        provider VARCHAR(64) NULL,
        reference_id VARCHAR(255) NULL,
        scopes TEXT NULL,
        active BOOLEAN NULL,
        state VARCHAR(32) NOT NULL DEFAULT 'active',
        state_ordering_ts BIGINT NOT NULL DEFAULT 0,
        ordering_ts BIGINT NOT NULL DEFAULT 0,
        created_at DATETIME(6) NOT NULL,
        updated_at DATETIME(6) NOT NULL,
        PRIMARY KEY (user_id),
        KEY ${quote(`${tables.users}_reference_idx`)} (reference_id)
      ) ${TABLE_OPTIONS}`,
      ...DATA_TABLE_TYPES.map((type) => {
        const table = tables.data[type];
        // The primary key already serves lookups by user alone.
        return `CREATE TABLE IF NOT EXISTS ${quote(table)} (
          user_id VARCHAR(128) NOT NULL,
          natural_key VARCHAR(255) NOT NULL,
          provider VARCHAR(64) NULL,
          start_time DATETIME(6) NULL,
          end_time DATETIME(6) NULL,
          payload JSON NOT NULL,
          trace_id VARCHAR(128) NULL,
          ordering_ts BIGINT NOT NULL,
          created_at DATETIME(6) NOT NULL,
          updated_at DATETIME(6) NOT NULL,
          PRIMARY KEY (user_id, natural_key),
          KEY ${quote(`${table}_user_start_idx`)} (user_id, start_time),
          KEY ${quote(`${table}_start_idx`)} (start_time),
          KEY ${quote(`${table}_updated_idx`)} (updated_at)
        ) ${TABLE_OPTIONS}`;
      }),
      `CREATE TABLE IF NOT EXISTS ${quote(tables.events)} (
        user_id VARCHAR(128) NOT NULL,
        event_type VARCHAR(64) NOT NULL,
        natural_key VARCHAR(255) NOT NULL,
        event_time DATETIME(6) NOT NULL,
        payload JSON NOT NULL,
        trace_id VARCHAR(128) NULL,
        created_at DATETIME(6) NOT NULL,
        PRIMARY KEY (user_id, event_type, natural_key),
        KEY ${quote(`${tables.events}_user_time_idx`)} (user_id, event_time),
        KEY ${quote(`${tables.events}_time_idx`)} (event_time)
      ) ${TABLE_OPTIONS}`,
    ],
  },
];
