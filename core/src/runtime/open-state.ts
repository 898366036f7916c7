import { join } from "node:path";
import type { Logger } from "../log/logger.ts";
import { defaultSchema } from "../state/default-schema.ts";
import { createStateStore, createTokenCipher, loadOrCreateLocalKey, migrate, openDatabase, type StateStore } from "../state/index.ts";

export interface OpenStateOptions {
  /** PostgreSQL URL; empty = embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  /** PostgreSQL schema to keep the tables in (created if missing); ignored for PGlite. @default defaultSchema() */
  schema?: string;
  dataDir: string;
  /** AES-256 key (base64/hex); empty = a generated key file in `dataDir` (fine for the embedded default). */
  encryptionKey?: string;
  log: Logger;
}

/** Open the database (server or embedded), migrate it, and wrap it with token encryption. */
export async function openState(options: OpenStateOptions): Promise<StateStore> {
  let key = options.encryptionKey;
  if (!key) {
    const local = await loadOrCreateLocalKey(options.dataDir);
    if (local.created) options.log.warn({ path: local.path }, "generated a token encryption key file; back it up, or set TRIBUTARY_ENCRYPTION_KEY");
    key = local.key;
  }
  const schema = options.schema || (options.databaseUrl ? await defaultSchema(options.databaseUrl, options.log) : undefined);
  const db = await openDatabase({
    databaseUrl: options.databaseUrl || undefined,
    dataDir: join(options.dataDir, "db"),
    ...(schema ? { schema } : {}),
  });
  await migrate(db);
  return createStateStore({ db, cipher: createTokenCipher({ key }) });
}
