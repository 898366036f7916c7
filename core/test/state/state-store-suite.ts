import { afterAll, beforeAll, describe } from "vitest";
import { createStateStore, createTokenCipher, migrate } from "../../src/state/index.ts";
import { accountTests } from "./suite/accounts.ts";
import { authSessionTests } from "./suite/auth-sessions.ts";
import { connectionTests } from "./suite/connections.ts";
import { newKey, type SuiteBackend, type SuiteContext } from "./suite/context.ts";
import { cursorTests } from "./suite/cursors.ts";
import { databaseTests } from "./suite/database.ts";
import { deadLetterTests } from "./suite/dead-letters.ts";
import { deliveryTests } from "./suite/deliveries.ts";
import { migrationTests } from "./suite/migrations.ts";
import { quarantineTests } from "./suite/quarantine.ts";
import { recordPartTests } from "./suite/record-parts.ts";
import { tokenTests } from "./suite/tokens.ts";

export type { SuiteBackend } from "./suite/context.ts";

/** The one behavioural contract of the state store, run against every backend. */
export function stateStoreSuite(label: string, backend: SuiteBackend): void {
  describe(label, () => {
    const ctx = { backend } as SuiteContext;

    beforeAll(async () => {
      ctx.db = await backend.open();
      await migrate(ctx.db);
      ctx.key = newKey();
      ctx.store = createStateStore({ db: ctx.db, cipher: createTokenCipher({ key: ctx.key }) });
    });

    afterAll(async () => {
      await ctx.db?.close();
      await backend.cleanup?.();
    });

    migrationTests(ctx);
    databaseTests(ctx);
    connectionTests(ctx);
    tokenTests(ctx);
    cursorTests(ctx);
    deliveryTests(ctx);
    deadLetterTests(ctx);
    quarantineTests(ctx);
    recordPartTests(ctx);
    authSessionTests(ctx);
    accountTests(ctx);
  });
}
