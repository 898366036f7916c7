import type { Delivery, Destination, DestinationContext, DestinationUser } from "@tributary/core/contracts";
import { planBatch } from "./batch-plan.ts";
import { chunkRows } from "./chunks.ts";
import { configError } from "./destination-errors.ts";
import { createMysqlDriver } from "./mysql/mysql-driver.ts";
import { mysqlSettings } from "./mysql/mysql-settings.ts";
import type { SqlOptions } from "./options.ts";
import { createPostgresDriver } from "./postgres/postgres-driver.ts";
import { postgresSettings } from "./postgres/postgres-settings.ts";
import type { SqlDriver } from "./sql-driver.ts";

// Room for the columns beside the payload when sizing a statement.
const ROW_OVERHEAD_BYTES = 256;

/** Checks the options now (a bad one fails at start-up) and returns how to build the driver later. */
function driverFactory(options: SqlOptions, ctx: DestinationContext): () => SqlDriver {
  switch (options.dialect) {
    case "postgres": {
      const settings = postgresSettings(ctx.name, options);
      return () => createPostgresDriver(settings, ctx.log);
    }
    case "mysql": {
      const settings = mysqlSettings(ctx.name, options);
      return () => createMysqlDriver(settings, ctx.log);
    }
    default:
      throw configError(ctx.name, `unknown dialect "${String(options.dialect)}"`, 'Set dialect to "postgres" or "mysql" (also for MariaDB).');
  }
}

/**
 * The SQL destination: users, one table per data type and an events table, created on first use. Every
 * write is one transaction of multi-row upserts in which a row only changes for a payload at least as
 * new as the one stored.
 */
export function createSqlDestination(options: SqlOptions, ctx: DestinationContext): Destination {
  const makeDriver = driverFactory(options, ctx);
  let driver: SqlDriver | undefined;
  let migrated: Promise<void> | undefined;
  const inFlight = new Set<Promise<unknown>>();

  const ready = async (): Promise<SqlDriver> => {
    const current = (driver ??= makeDriver());
    // Once per driver; a failure (server down) is forgotten so the next call tries again.
    migrated ??= current.migrate().catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    await migrated;
    return current;
  };

  /** close() waits for operations already running before it ends their pool. */
  const track = async <T>(operation: () => Promise<T>): Promise<T> => {
    const running = operation();
    inFlight.add(running);
    try {
      return await running;
    } finally {
      inFlight.delete(running);
    }
  };

  return {
    name: ctx.name,
    type: "sql",

    write: (batch: readonly Delivery[]) =>
      track(async () => {
        if (batch.length === 0) return;
        const plan = planBatch(batch);
        const db = await ready();
        const { statements } = db;
        await db.transaction(async (tx) => {
          // Same table order in every transaction, rows sorted by key: concurrent writers lock in one order.
          for (const rows of chunkRows(plan.users, () => ROW_OVERHEAD_BYTES)) await tx.run(statements.upsertUsers(rows));
          for (const { type, rows } of plan.data) {
            for (const chunk of chunkRows(rows, (r) => r.payload.length + ROW_OVERHEAD_BYTES)) {
              await tx.run(statements.upsertData(type, chunk));
            }
          }
          for (const rows of chunkRows(plan.events, (e) => e.payload.length + ROW_OVERHEAD_BYTES)) {
            await tx.run(statements.insertEvents(rows));
          }
        });
      }),

    delete: (user: DestinationUser) =>
      track(async () => {
        const db = await ready();
        await db.transaction(async (tx) => {
          for (const statement of db.statements.deleteUser(user.user_id)) await tx.run(statement);
        });
      }),

    check: (checkOptions) =>
      track(async () => {
        // Without --write-test the tables are left alone: connecting and a ping show the server takes us.
        const db = checkOptions?.write ? await ready() : (driver ??= makeDriver());
        await db.ping();
      }),

    async close() {
      const current = driver;
      driver = undefined;
      migrated = undefined;
      await Promise.allSettled([...inFlight]);
      await current?.close();
    },
  };
}
