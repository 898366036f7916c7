import { createHash } from "node:crypto";
import mysql from "mysql2/promise";
import type { Logger } from "@tributary/core/contracts";
import { retryOnConflict } from "../conflict-retry.ts";
import { destinationError } from "../destination-errors.ts";
import { latestVersion } from "../migration.ts";
import type { SqlDriver, SqlExecutor, Statement } from "../sql-driver.ts";
import { isMysqlConflict, mysqlError } from "./mysql-errors.ts";
import { MYSQL_MIGRATIONS } from "./mysql-migrations.ts";
import { quote } from "./mysql-names.ts";
import type { MysqlSettings } from "./mysql-settings.ts";
import { mysqlStatements } from "./mysql-statements.ts";

const CONNECT_TIMEOUT_MS = 10_000;
const MIGRATION_LOCK_WAIT_S = 60;

type Row = Record<string, unknown>;

/** GET_LOCK names are limited to 64 characters: hash the database and prefix into one. */
function lockName(database: string, prefix: string): string {
  return `tributary_sql_${createHash("sha256").update(`${database}.${prefix}`).digest("hex").slice(0, 40)}`;
}

async function rowsOf(connection: mysql.PoolConnection | mysql.Pool, statement: Statement): Promise<Row[]> {
  // query, not execute: values are escaped client-side, so a 500-row statement is not a prepared statement
  // the server has to cache.
  const [rows] = await connection.query(statement.sql, statement.params);
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

/** Builds the pool on first use; nothing connects before a method is called. */
export function createMysqlDriver(settings: MysqlSettings, log: Logger): SqlDriver {
  const { connection, tables, errors } = settings;
  let pool: mysql.Pool | undefined;

  const getPool = (): mysql.Pool =>
    (pool ??= mysql.createPool({
      host: connection.host,
      port: connection.port,
      database: connection.database,
      ...(connection.user === undefined ? {} : { user: connection.user }),
      ...(connection.password === undefined ? {} : { password: connection.password }),
      ...(connection.ssl ? { ssl: { rejectUnauthorized: true } } : {}),
      connectionLimit: settings.poolSize,
      connectTimeout: CONNECT_TIMEOUT_MS,
      timezone: "Z",
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      enableKeepAlive: true,
    }));

  const connect = async (): Promise<mysql.PoolConnection> => {
    try {
      return await getPool().getConnection();
    } catch (error) {
      throw mysqlError(error, errors);
    }
  };

  const inTransaction = async (work: (tx: SqlExecutor) => Promise<void>): Promise<void> => {
    const conn = await connect();
    let broken = false;
    try {
      await conn.beginTransaction();
      await work({ run: (statement) => rowsOf(conn, statement) });
      await conn.commit();
    } catch (error) {
      await conn.rollback().catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
      if (broken) conn.destroy();
      else conn.release();
    }
  };

  const migrateUnderLock = async (conn: mysql.PoolConnection): Promise<void> => {
    const versionTable = quote(tables.schemaVersion);
    // Checked first so that a user without CREATE can still run against tables an administrator made.
    const existing = await rowsOf(conn, {
      sql: "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
      params: [tables.schemaVersion],
    });
    if (Number(existing[0]?.n ?? 0) === 0) {
      await rowsOf(conn, {
        sql: `CREATE TABLE IF NOT EXISTS ${versionTable} (
          version INT NOT NULL PRIMARY KEY, description VARCHAR(255) NOT NULL, applied_at DATETIME(6) NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
        params: [],
      });
    }
    const current = await rowsOf(conn, { sql: `SELECT MAX(version) AS v FROM ${versionTable}`, params: [] });
    const from = Number(current[0]?.v ?? 0);
    if (from > latestVersion(MYSQL_MIGRATIONS)) {
      log.warn({ destination: settings.name, version: from }, "tables are newer than this Tributary; writing anyway");
    }
    for (const migration of MYSQL_MIGRATIONS) {
      if (migration.version <= from) continue;
      for (const sql of migration.statements(tables)) await rowsOf(conn, { sql, params: [] });
      await rowsOf(conn, {
        sql: `INSERT INTO ${versionTable} (version, description, applied_at) VALUES (?, ?, UTC_TIMESTAMP(6))`,
        params: [migration.version, migration.description],
      });
      log.info({ destination: settings.name, version: migration.version }, "sql destination migrated");
    }
  };

  return {
    statements: mysqlStatements(tables),

    async migrate() {
      const conn = await connect();
      const lock = lockName(connection.database, tables.prefix);
      let locked = false;
      try {
        // A session lock: the server drops it if this connection dies, so a crashed process never blocks others.
        const got = await rowsOf(conn, { sql: "SELECT GET_LOCK(?, ?) AS locked", params: [lock, MIGRATION_LOCK_WAIT_S] });
        locked = Number(got[0]?.locked) === 1;
        if (!locked) {
          throw destinationError(
            "unavailable",
            errors,
            new Error(`another process held the migration lock for ${MIGRATION_LOCK_WAIT_S} s`),
            "Another Tributary process is migrating these tables (or hangs while doing so); the delivery will be retried.",
          );
        }
        await migrateUnderLock(conn);
      } catch (error) {
        throw mysqlError(error, errors);
      } finally {
        let healthy = true;
        if (locked) {
          await rowsOf(conn, { sql: "SELECT RELEASE_LOCK(?)", params: [lock] }).catch(() => {
            healthy = false;
          });
        }
        // Destroying the connection also drops a lock we failed to release.
        if (healthy) conn.release();
        else conn.destroy();
      }
    },

    async transaction(work) {
      try {
        await retryOnConflict(() => inTransaction(work), isMysqlConflict);
      } catch (error) {
        throw mysqlError(error, errors);
      }
    },

    async ping() {
      try {
        await getPool().query("SELECT 1");
      } catch (error) {
        throw mysqlError(error, errors);
      }
    },

    async close() {
      const current = pool;
      pool = undefined;
      await current?.end();
    },
  };
}
