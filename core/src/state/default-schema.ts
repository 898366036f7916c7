import pg from "pg";
import type { Logger } from "../log/logger.ts";

/** Where Tributary's tables go on PostgreSQL when the config names no schema. */
export const DEFAULT_SCHEMA = "tributary";

/**
 * The schema to use when `database.schema` is not set: the dedicated `tributary` schema, except for an
 * install from before that default, whose tables are in `public` and stay there (with a warning saying how
 * to keep or move them) until the operator decides.
 */
export async function defaultSchema(url: string, log: Logger): Promise<string> {
  const client = new pg.Client({ connectionString: url, application_name: "tributary" });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string }>(
      "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'schema_migrations' AND table_schema IN ($1, 'public')",
      [DEFAULT_SCHEMA],
    );
    const found = new Set(rows.map((row) => row.schema));
    if (found.has(DEFAULT_SCHEMA) || !found.has("public") || !(await holdsTributaryTables(client))) return DEFAULT_SCHEMA;
    log.warn(
      `Tributary's tables are in the public schema (an install from before database.schema defaulted to "${DEFAULT_SCHEMA}"); ` +
        `set database.schema: public to keep them there, or move them (docs: README, "Running in production")`,
    );
    return "public";
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A `schema_migrations` table in public may be another application's: Tributary's has `connections` beside it. */
async function holdsTributaryTables(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('connections', 'dead_letters')",
  );
  return rows.length === 2;
}
