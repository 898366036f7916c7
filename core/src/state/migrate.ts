import { UserError } from "../errors/index.ts";
import type { Database } from "./database.ts";
import { StateErrorCodes } from "./error-codes.ts";
import { loadMigrations, type Migration } from "./load-migrations.ts";

export interface MigrateOptions {
  /** Folder of NNNN_name.sql files; defaults to the ones shipped with core. */
  directory?: URL;
}

export interface MigrateResult {
  /** File names applied by this call, in order; empty when the database was already up to date. */
  applied: string[];
}

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

// Keyed by schema so test suites migrating their own schemas do not queue behind each other.
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('tributary.migrate:' || coalesce(current_schema(), '')))`;

/** Brings the schema up to date. Safe to run on every start and from several processes at once. */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = await loadMigrations(options.directory);
  const applied: string[] = [];
  for (const migration of migrations) {
    if (await applyOne(db, migration)) applied.push(migration.name);
  }
  return { applied };
}

async function applyOne(db: Database, migration: Migration): Promise<boolean> {
  return db.transaction(async (tx) => {
    // The lock comes first so the check below sees what a concurrent starter has just committed.
    if (tx.kind === "postgres") await tx.query(LOCK);
    await tx.exec(CREATE_MIGRATIONS_TABLE);
    const { rows } = await tx.query<{ checksum: string }>("SELECT checksum FROM schema_migrations WHERE version = $1", [migration.version]);
    const done = rows[0];
    if (done !== undefined) {
      if (done.checksum !== migration.checksum) throw changedError(migration);
      return false;
    }
    await tx.exec(migration.sql);
    await tx.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [migration.version, migration.name, migration.checksum]);
    return true;
  });
}

function changedError(migration: Migration): UserError {
  return new UserError(StateErrorCodes.MIGRATION_CHANGED, `migration ${migration.name} was edited after it was applied to this database`, {
    hint: "migrations are append-only: revert the edit and add a new migration (a throwaway dev database can simply be deleted)",
    details: { version: migration.version },
  });
}
