import type { Database } from "./database.ts";
import { createPgliteDatabase } from "./pglite-database.ts";
import { createPostgresDatabase } from "./postgres-database.ts";

export interface OpenDatabaseOptions {
  /** DATABASE_URL; when set (non-empty) PostgreSQL is used. */
  databaseUrl?: string | undefined;
  /** Folder for embedded PGlite when no URL is given, e.g. `.tributary/data`. */
  dataDir: string;
  /** PostgreSQL schema to use instead of the connection's default search_path. */
  schema?: string;
}

export function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const url = options.databaseUrl?.trim();
  if (url) {
    return createPostgresDatabase({ url, schema: options.schema });
  }
  return createPgliteDatabase({ dataDir: options.dataDir });
}
