export type DatabaseKind = "postgres" | "pglite";

export interface QueryResult<T> {
  rows: T[];
}

/**
 * The one database surface the rest of Tributary sees, identical for PostgreSQL and embedded PGlite.
 * A `tx` handed to `transaction` is bound to one connection: run its queries one after another, never
 * concurrently, and do not keep it after the callback settles.
 */
export interface Database {
  readonly kind: DatabaseKind;
  /** One statement, `$1`-style parameters; `undefined` parameters are sent as NULL. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Commits when `fn` resolves, rolls back when it throws; nested calls use savepoints. */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  /** Idempotent. On a transaction handle it does nothing: the owner of the database closes it. */
  close(): Promise<void>;
}
