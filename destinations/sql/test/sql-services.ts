import { randomUUID } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import type { Pool } from "pg";
import type { Destination, DestinationContext, Logger } from "@tributary/core/contracts";
import type { StoredRecord } from "@tributary/test-kit";
import { createSqlDestination, DATA_TABLE_TYPES, tableNames, type SqlOptions } from "../src/index.ts";

/** The servers every development machine and CI run (see the project README); overridable for other setups. */
export const POSTGRES_URL = process.env.TRIBUTARY_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const MYSQL_URL = process.env.TRIBUTARY_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

export type Dialect = SqlOptions["dialect"];

/** Log lines the destination wrote, so a test can check that no secret reached them. */
export function recordingContext(name = `sql-test-${randomUUID().slice(0, 8)}`): DestinationContext & { lines: string[] } {
  const lines: string[] = [];
  const write =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(`${level} ${JSON.stringify(args)}`);
    };
  // Only the methods the destination calls; a real pino logger would need a dependency this package lacks.
  const log = { info: write("info"), warn: write("warn"), error: write("error"), debug: write("debug"), trace: write("trace") };
  return { name, log: log as unknown as Logger, lookup: () => undefined, lines };
}

/** Options for a fresh, unique place to write: its own schema on PostgreSQL, its own table prefix on MySQL. */
export function uniqueOptions(dialect: Dialect, extra: Partial<SqlOptions> = {}): SqlOptions {
  const id = randomUUID().replaceAll("-", "").slice(0, 12);
  return dialect === "postgres"
    ? { dialect, url: POSTGRES_URL, schema: `t_${id}`, poolSize: 3, ...extra }
    : { dialect, url: MYSQL_URL, tablePrefix: `t_${id}_`, poolSize: 3, ...extra };
}

type Row = Record<string, unknown>;

/** Plain SQL against the test servers, beside the destination, to read back what it stored. */
export interface Inspector {
  query(options: SqlOptions, sql: (table: (name: string) => string) => string, params?: unknown[]): Promise<Row[]>;
  drop(options: SqlOptions): Promise<void>;
  close(): Promise<void>;
}

export function createInspector(): Inspector {
  let pgPool: Pool | undefined;
  let myPool: mysql.Pool | undefined;
  const prefixOf = (options: SqlOptions) => options.tablePrefix ?? "terra_";

  return {
    async query(options, sql, params = []) {
      const prefix = prefixOf(options);
      if (options.dialect === "postgres") {
        pgPool ??= new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
        const table = (name: string) => `"${options.schema ?? "tributary"}"."${prefix}${name}"`;
        // PostgreSQL numbers its placeholders; the shared test SQL writes `?`.
        let n = 0;
        const text = sql(table).replace(/\?/g, () => `$${++n}`);
        return (await pgPool.query<Row>(text, params)).rows;
      }
      myPool ??= mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2, dateStrings: true });
      const [rows] = await myPool.query(
        sql((name) => `\`${prefix}${name}\``),
        params,
      );
      return rows as Row[];
    },

    async drop(options) {
      if (options.dialect === "postgres") {
        pgPool ??= new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
        await pgPool.query(`DROP SCHEMA IF EXISTS "${options.schema ?? "tributary"}" CASCADE`);
        return;
      }
      myPool ??= mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
      const names = tableNames(prefixOf(options));
      const all = [names.users, names.events, names.schemaVersion, ...DATA_TABLE_TYPES.map((t) => names.data[t])];
      await myPool.query(`DROP TABLE IF EXISTS ${all.map((n) => `\`${n}\``).join(", ")}`);
    },

    async close() {
      await Promise.all([pgPool?.end(), myPool?.end()]);
      pgPool = undefined;
      myPool = undefined;
    },
  };
}

/** MariaDB's JSON is text underneath; MySQL and PostgreSQL hand back objects. */
export const parseJson = (value: unknown): Record<string, unknown> => (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;

export async function readStoredRecords(inspector: Inspector, options: SqlOptions, userId: string): Promise<StoredRecord[]> {
  const stored: StoredRecord[] = [];
  for (const type of DATA_TABLE_TYPES) {
    const rows = await inspector.query(options, (t) => `SELECT natural_key, payload FROM ${t(type)} WHERE user_id = ?`, [userId]);
    for (const row of rows) stored.push({ type, key: String(row.natural_key), record: parseJson(row.payload) });
  }
  return stored;
}

export async function readStoredEvents(inspector: Inspector, options: SqlOptions, userId: string): Promise<StoredRecord[]> {
  const rows = await inspector.query(options, (t) => `SELECT event_type, natural_key, payload FROM ${t("events")} WHERE user_id = ? ORDER BY event_time`, [
    userId,
  ]);
  return rows.map((row) => ({ type: String(row.event_type), key: String(row.natural_key), record: parseJson(row.payload) }));
}

/** A destination plus the options it was made with, so tests can read its tables. */
export interface OpenedDestination {
  destination: Destination;
  options: SqlOptions;
}

export function openDestination(dialect: Dialect, extra: Partial<SqlOptions> = {}): OpenedDestination {
  const options = uniqueOptions(dialect, extra);
  return { destination: createSqlDestination(options, recordingContext()), options };
}
