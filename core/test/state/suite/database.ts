import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../src/state/index.ts";
import type { SuiteContext, SuiteBackend } from "./context.ts";

export function databaseTests(ctx: SuiteContext): void {
  describe("database", () => {
    let db: Database;
    let backend: SuiteBackend;
    beforeAll(() => {
      ({ db, backend } = ctx);
    });

    it("commits a transaction and rolls back a failed one, savepoints included", async () => {
      await db.exec("CREATE TABLE IF NOT EXISTS tx_probe (v text PRIMARY KEY)");
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO tx_probe (v) VALUES ($1)", ["committed"]);
        await expect(
          tx.transaction(async (inner) => {
            await inner.query("INSERT INTO tx_probe (v) VALUES ($1)", ["inner-rolled-back"]);
            throw new Error("boom");
          }),
        ).rejects.toThrow("boom");
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO tx_probe (v) VALUES ($1)", ["outer-rolled-back"]);
          throw new Error("bang");
        }),
      ).rejects.toThrow("bang");
      const { rows } = await db.query<{ v: string }>("SELECT v FROM tx_probe ORDER BY v");
      expect(rows.map((r) => r.v)).toEqual(["committed"]);
      await db.exec("DROP TABLE tx_probe");
    });

    it("never runs a query on the outer handle inside someone else's open transaction", async () => {
      await db.exec("CREATE TABLE IF NOT EXISTS tx_isolation (v text PRIMARY KEY)");
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const doomed = db.transaction(async (tx) => {
        await tx.query("INSERT INTO tx_isolation (v) VALUES ('doomed')");
        entered();
        await gate;
        throw new Error("roll back");
      });
      await inside;
      // If this slipped into the open transaction it would be rolled back with it.
      const outer = db.query("INSERT INTO tx_isolation (v) VALUES ('outer')");
      release();
      await expect(doomed).rejects.toThrow("roll back");
      await outer;
      const { rows } = await db.query<{ v: string }>("SELECT v FROM tx_isolation");
      expect(rows.map((r) => r.v)).toEqual(["outer"]);
      await db.exec("DROP TABLE tx_isolation");
    });

    it("rejects a transaction handle used after its transaction ended", async () => {
      let leaked: Database | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked!.query("SELECT 1")).rejects.toMatchObject({ code: "ERR_STATE_TRANSACTION_FINISHED" });
    });

    it("closes idempotently and refuses queries afterwards", async () => {
      const other = await backend.open();
      await other.close();
      await other.close();
      await expect(other.query("SELECT 1")).rejects.toMatchObject({ code: "ERR_STATE_DATABASE_CLOSED" });
    });

    it("returns parameters of every common type", async () => {
      const { rows } = await db.query<{ n: number; t: string; b: boolean; z: null }>("SELECT $1::int AS n, $2::text AS t, $3::boolean AS b, $4::text AS z", [
        7,
        "x",
        true,
        undefined,
      ]);
      expect(rows).toEqual([{ n: 7, t: "x", b: true, z: null }]);
    });
  });
}
