import { DATA_TABLE_TYPES } from "../table-names.ts";
import type { Migration } from "../migration.ts";
import { qualified, quote } from "./postgres-names.ts";

/** Ordered schema steps for PostgreSQL; `schema` is bound when the driver is built. */
export function postgresMigrations(schema: string): Migration[] {
  const t = (table: string) => qualified(schema, table);
  return [
    {
      version: 1,
      description: "users, one table per data type, events",
      statements: (tables) => [
        `CREATE TABLE ${t(tables.users)} (
          user_id text PRIMARY KEY,
          provider text,
          reference_id text,
          scopes text,
          active boolean,
          state text NOT NULL DEFAULT 'active',
          state_ordering_ts bigint NOT NULL DEFAULT 0,
          ordering_ts bigint NOT NULL DEFAULT 0,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX ${quote(`${tables.users}_reference_idx`)} ON ${t(tables.users)} (reference_id)`,
        ...DATA_TABLE_TYPES.flatMap((type) => {
          const table = tables.data[type];
          return [
            `CREATE TABLE ${t(table)} (
              user_id text NOT NULL,
              natural_key text NOT NULL,
              provider text,
              start_time timestamptz,
              end_time timestamptz,
              payload jsonb NOT NULL,
              trace_id text,
              ordering_ts bigint NOT NULL,
              created_at timestamptz NOT NULL DEFAULT now(),
              updated_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (user_id, natural_key)
            )`,
            // The primary key already serves lookups by user alone.
            `CREATE INDEX ${quote(`${table}_user_start_idx`)} ON ${t(table)} (user_id, start_time)`,
            `CREATE INDEX ${quote(`${table}_start_idx`)} ON ${t(table)} (start_time)`,
            `CREATE INDEX ${quote(`${table}_updated_idx`)} ON ${t(table)} (updated_at)`,
          ];
        }),
        `CREATE TABLE ${t(tables.events)} (
          user_id text NOT NULL,
          event_type text NOT NULL,
          natural_key text NOT NULL,
          event_time timestamptz NOT NULL,
          payload jsonb NOT NULL,
          trace_id text,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (user_id, event_type, natural_key)
        )`,
        `CREATE INDEX ${quote(`${tables.events}_user_time_idx`)} ON ${t(tables.events)} (user_id, event_time)`,
        `CREATE INDEX ${quote(`${tables.events}_time_idx`)} ON ${t(tables.events)} (event_time)`,
      ],
    },
  ];
}
