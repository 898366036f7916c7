import { createHash } from "node:crypto";
import pg from "pg";
import type { Pool, PoolClient } from "pg";
import type { Logger } from "@tributary/core/contracts";
import { retryOnConflict } from "../conflict-retry.ts";
import { latestVersion } from "../migration.ts";
import { redactSecrets } from "../redact.ts";
import type { SqlDriver, SqlExecutor, Statement } from "../sql-driver.ts";
import { isPostgresConflict, postgresError } from "./postgres-errors.ts";
import { postgresMigrations } from "./postgres-migrations.ts";
import { qualified, quote } from "./postgres-names.ts";
import type { PostgresSettings } from "./postgres-settings.ts";
import { postgresStatements } from "./postgres-statements.ts";

const CONNECT_TIMEOUT_MS = 10_000;

type Client = PoolClient;

/** A 64-bit advisory lock key for the schema: every process migrating these tables takes the same one. */
function lockKey(schema: string): string {
  return createHash("sha256").update(`tributary-sql-migrate:${schema}`).digest().readBigInt64BE(0).toString();
}

/** Builds the pool on first use; nothing connects before a method is called. */
export function createPostgresDriver(settings: PostgresSettings, log: Logger): SqlDriver {
  const { schema, tables, errors } = settings;
  const migrations = postgresMigrations(schema);
  let pool: Pool | undefined;

  const getPool = (): Pool => {
    if (pool) return pool;
    pool = new pg.Pool({
      connectionString: settings.connectionString,
      max: settings.poolSize,
      application_name: "tributary-sql",
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on("error", (error: Error) => {
      log.warn({ destination: settings.name, reason: redactSecrets(error.message, errors.secrets) }, "idle postgres connection lost");
    });
    return pool;
  };

  const connect = async (): Promise<Client> => {
    try {
      return await getPool().connect();
    } catch (error) {
      throw postgresError(error, errors);
    }
  };

  const executor = (client: Client): SqlExecutor => ({
    async run(statement: Statement) {
      return (await client.query<Record<string, unknown>>(statement.sql, statement.params)).rows;
    },
  });

  /** BEGIN … COMMIT on one connection; driver errors come out raw so the caller can spot conflicts. */
  const inTransaction = async (work: (client: Client) => Promise<void>): Promise<void> => {
    const client = await connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      await work(client);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken ?? false);
    }
  };

  const migrateUnderLock = async (client: Client): Promise<void> => {
    // Transaction-scoped, so it is released by COMMIT/ROLLBACK even if this process dies mid-way.
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [lockKey(schema)]);
    // Check first: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists.
    const schemaFound = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    if (schemaFound.rows.length === 0) await client.query(`CREATE SCHEMA ${quote(schema)}`);
    const versionTable = qualified(schema, tables.schemaVersion);
    const found = await client.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [versionTable]);
    if (found.rows[0]?.t == null) {
      await client.query(
        `CREATE TABLE ${versionTable} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
    }
    const current = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${versionTable}`);
    const from = current.rows[0]?.v ?? 0;
    if (from > latestVersion(migrations)) {
      log.warn({ destination: settings.name, schema, version: from }, "tables are newer than this Tributary; writing anyway");
    }
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      for (const sql of migration.statements(tables)) await client.query(sql);
      await client.query(`INSERT INTO ${versionTable} (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
      log.info({ destination: settings.name, schema, version: migration.version }, "sql destination migrated");
    }
  };

  return {
    statements: postgresStatements(schema, tables),

    async migrate() {
      try {
        // DDL is transactional in PostgreSQL: a failed migration leaves nothing half-made.
        await inTransaction(migrateUnderLock);
      } catch (error) {
        throw postgresError(error, errors);
      }
    },

    async transaction(work) {
      try {
        await retryOnConflict(() => inTransaction((client) => work(executor(client))), isPostgresConflict);
      } catch (error) {
        throw postgresError(error, errors);
      }
    },

    async ping() {
      try {
        await getPool().query("SELECT 1");
      } catch (error) {
        throw postgresError(error, errors);
      }
    },

    async close() {
      const current = pool;
      pool = undefined;
      await current?.end();
    },
  };
}
