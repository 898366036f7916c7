import type { DataRow, EventRow, UserRow } from "./batch-plan.ts";
import type { DataTableType } from "./table-names.ts";

/** A statement with its bind parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs statements on one connection (inside a transaction when given by `transaction`). */
export interface SqlExecutor {
  run(statement: Statement): Promise<Array<Record<string, unknown>>>;
}

/**
 * What the destination needs from a database dialect. Implementations connect lazily and throw only
 * TributaryErrors (driver errors mapped, secrets removed).
 */
export interface SqlDriver {
  /** Create or migrate the tables, under a lock shared with every other process using the same tables. */
  migrate(): Promise<void>;
  /** Run `work` in one transaction; the whole transaction is retried when the server reports a deadlock. */
  transaction(work: (tx: SqlExecutor) => Promise<void>): Promise<void>;
  /** `SELECT 1`. */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
  readonly statements: SqlStatements;
}

/** Multi-row statements for one dialect; the rows arrive deduplicated and in lock order. */
export interface SqlStatements {
  upsertUsers(rows: readonly UserRow[]): Statement;
  upsertData(type: DataTableType, rows: readonly DataRow[]): Statement;
  insertEvents(rows: readonly EventRow[]): Statement;
  deleteUser(userId: string): Statement[];
}
