import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { Database, QueryResult } from "./database.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { databaseClosedError } from "./state-errors.ts";
import { normalizeParams } from "./sql-params.ts";
import { createTransactionScope } from "./transaction-scope.ts";

export interface PgliteDatabaseOptions {
  /** Folder holding the database, created if missing; undefined = in memory, gone on close. */
  dataDir?: string;
}

/**
 * Embedded PostgreSQL (WebAssembly) for the zero-dependency quickstart. One process per data folder:
 * PGlite has no cross-process locking, so the folder is locked here (see data-dir-lock.ts).
 */
export async function createPgliteDatabase(options: PgliteDatabaseOptions = {}): Promise<Database> {
  let dataDir: string | undefined;
  if (options.dataDir !== undefined) {
    dataDir = resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  }
  const release = dataDir === undefined ? () => undefined : lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    release();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const assertOpen = (): void => {
    if (closing !== undefined) throw databaseClosedError();
  };

  return {
    kind: "pglite",
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      assertOpen();
      const result = await pglite.query<T>(sql, normalizeParams(params));
      return { rows: result.rows };
    },
    async exec(sql: string): Promise<void> {
      assertOpen();
      await pglite.exec(sql);
    },
    async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
      assertOpen();
      // PGlite's own transaction() holds its single connection exclusively, so queries issued on the
      // outer handle meanwhile wait instead of slipping into this transaction.
      return pglite.transaction(async (tx) => {
        const scope = createTransactionScope("pglite", tx);
        try {
          return await fn(scope.db);
        } finally {
          scope.finish();
        }
      });
    },
    close(): Promise<void> {
      closing ??= pglite.close().finally(release);
      return closing;
    },
  };
}
