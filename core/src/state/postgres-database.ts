import pg from "pg";
import type { Database, QueryResult } from "./database.ts";
import { databaseClosedError } from "./state-errors.ts";
import { assertSchemaName } from "./schema-name.ts";
import { normalizeParams } from "./sql-params.ts";
import { classifyDriverError } from "./sqlstate.ts";
import { createTransactionScope } from "./transaction-scope.ts";

export interface PostgresDatabaseOptions {
  /** postgres://user:pass@host:port/db */
  url: string;
  /** Every connection uses this schema (created if missing); tests use one per suite. */
  schema?: string;
  /** @default 10 */
  maxConnections?: number;
  /** Errors of idle pooled connections (server restart); the next query reports the problem anyway. */
  onIdleError?: (error: Error) => void;
}

export async function createPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const schema = options.schema === undefined ? undefined : assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    application_name: "tributary",
    max: options.maxConnections ?? 10,
    // A start-up option rather than a SET after connect: it is in force before the first query runs.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // Without a listener an idle connection dropped by the server crashes the whole process.
  pool.on("error", options.onIdleError ?? (() => undefined));

  let closing: Promise<void> | undefined;
  const assertOpen = (): void => {
    if (closing !== undefined) throw databaseClosedError();
  };

  const db: Database = {
    kind: "postgres",
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      assertOpen();
      try {
        const result = await pool.query(sql, normalizeParams(params));
        return { rows: result.rows as T[] };
      } catch (error) {
        throw classifyDriverError(error);
      }
    },
    async exec(sql: string): Promise<void> {
      assertOpen();
      try {
        // No parameters, so node-postgres uses the simple protocol, which accepts several statements.
        await pool.query(sql);
      } catch (error) {
        throw classifyDriverError(error);
      }
    },
    async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
      assertOpen();
      const client = await pool.connect().catch((error: unknown) => {
        throw classifyDriverError(error);
      });
      const run = (sql: string, params?: unknown[]) =>
        client.query(sql, params).catch((error: unknown) => {
          throw classifyDriverError(error);
        });
      const scope = createTransactionScope("postgres", { query: run, exec: run });
      let broken: Error | undefined;
      try {
        await run("BEGIN");
        const result = await fn(scope.db);
        await run("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        scope.finish();
        // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken ?? false);
      }
    },
    close(): Promise<void> {
      closing ??= pool.end();
      return closing;
    },
  };

  if (schema !== undefined) await createSchema(db, schema);
  return db;
}

async function createSchema(db: Database, schema: string): Promise<void> {
  try {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    // Two processes starting together can both pass IF NOT EXISTS; the loser's error is harmless.
    const code = (error as { code?: unknown }).code;
    if (code !== "23505" && code !== "42P06") {
      await db.close();
      throw error;
    }
  }
}
