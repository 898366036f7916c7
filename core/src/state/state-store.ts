import { createAuthSessionRepository, type AuthSessionRepository } from "./auth-sessions.ts";
import { createConnectionRepository, type ConnectionRepository } from "./connections.ts";
import { createCursorRepository, type CursorRepository } from "./cursors.ts";
import type { Database } from "./database.ts";
import { createDeadLetterRepository, type DeadLetterRepository } from "./dead-letters.ts";
import { createDeliveryRepository, type DeliveryRepository } from "./deliveries.ts";
import { createQuarantineRepository, type QuarantineRepository } from "./quarantine.ts";
import { createRecordPartRepository, type RecordPartRepository } from "./record-parts.ts";
import type { TokenCipher } from "./token-cipher.ts";
import { createWidgetSessionRepository, type WidgetSessionRepository } from "./widget-sessions.ts";

export interface StateStoreOptions {
  db: Database;
  cipher: TokenCipher;
}

export interface StateStore
  extends ConnectionRepository,
    CursorRepository,
    DeliveryRepository,
    DeadLetterRepository,
    QuarantineRepository,
    RecordPartRepository,
    AuthSessionRepository,
    WidgetSessionRepository {
  readonly db: Database;
  /** Runs `fn` with a store whose every call is in one transaction (e.g. deactivate old + create new). */
  transaction<T>(fn: (store: StateStore) => Promise<T>): Promise<T>;
}

/** All persistent state behind one object. Does not migrate: call `migrate(db)` first. */
export function createStateStore({ db, cipher }: StateStoreOptions): StateStore {
  return {
    db,
    ...createConnectionRepository(db, cipher),
    ...createCursorRepository(db),
    ...createDeliveryRepository(db),
    ...createDeadLetterRepository(db, cipher),
    ...createQuarantineRepository(db),
    ...createRecordPartRepository(db),
    ...createAuthSessionRepository(db, cipher),
    ...createWidgetSessionRepository(db),
    transaction: (fn) => db.transaction((tx) => fn(createStateStore({ db: tx, cipher }))),
  };
}
