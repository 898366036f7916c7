import { TributaryError } from "../errors/index.ts";
import type { Database, DatabaseKind, QueryResult } from "./database.ts";
import { StateErrorCodes } from "./error-codes.ts";
import { normalizeParams } from "./sql-params.ts";

/** The connection an open transaction runs on, as each driver exposes it. */
export interface TransactionRunner {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
  exec(sql: string): Promise<unknown>;
}

export interface TransactionScope {
  db: Database;
  /** Makes later use of `db` throw: its connection has gone back to the pool. */
  finish(): void;
}

export function createTransactionScope(kind: DatabaseKind, runner: TransactionRunner, depth = 0): TransactionScope {
  let finished = false;
  let savepoints = 0;

  const assertOpen = (): void => {
    if (finished) {
      throw new TributaryError(StateErrorCodes.TRANSACTION_FINISHED, "transaction handle used after its transaction ended", "unexpected", {
        hint: "use the outer database, not a `tx` kept from a finished transaction",
      });
    }
  };

  const db: Database = {
    kind,
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      assertOpen();
      const result = await runner.query(sql, normalizeParams(params));
      return { rows: result.rows as T[] };
    },
    async exec(sql: string): Promise<void> {
      assertOpen();
      await runner.exec(sql);
    },
    async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
      assertOpen();
      savepoints += 1;
      const name = `tributary_sp_${depth + 1}_${savepoints}`;
      await runner.exec(`SAVEPOINT ${name}`);
      const inner = createTransactionScope(kind, runner, depth + 1);
      try {
        const result = await fn(inner.db);
        await runner.exec(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        // A failed rollback leaves the outer transaction aborted; its COMMIT then fails loudly.
        await runner.exec(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
        throw error;
      } finally {
        inner.finish();
      }
    },
    async close(): Promise<void> {},
  };

  return {
    db,
    finish() {
      finished = true;
    },
  };
}
