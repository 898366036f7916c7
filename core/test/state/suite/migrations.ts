import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadMigrations, migrate, type Database } from "../../../src/state/index.ts";
import type { SuiteContext } from "./context.ts";

export function migrationTests(ctx: SuiteContext): void {
  describe("migrations", () => {
    let db: Database;
    beforeAll(() => {
      ({ db } = ctx);
    });

    it("is idempotent: a second run applies nothing and records each file once", async () => {
      const files = await loadMigrations();
      expect(await migrate(db)).toEqual({ applied: [] });
      const { rows } = await db.query<{ name: string }>("SELECT name FROM schema_migrations ORDER BY version");
      expect(rows.map((r) => r.name)).toEqual(files.map((f) => f.name));
    });

    it("creates every table", async () => {
      const { rows } = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
      expect(rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(["schema_migrations", "connections", "auth_sessions", "cursors", "deliveries", "dead_letters", "quarantine"]),
      );
    });

    it("refuses to run when an applied migration was edited", async () => {
      const dir = await mkdtemp(join(tmpdir(), "tributary-migrations-"));
      try {
        const [first] = await loadMigrations();
        await writeFile(join(dir, first!.name), `${first!.sql}\n-- edited\n`);
        await expect(migrate(db, { directory: pathToFileURL(`${dir}/`) })).rejects.toMatchObject({
          code: "ERR_STATE_MIGRATION_CHANGED",
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
