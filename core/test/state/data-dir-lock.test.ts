import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPgliteDatabase } from "../../src/state/pglite-database.ts";
import { LOCK_FILE } from "../../src/state/data-dir-lock.ts";

describe("the embedded database is one process per data folder", () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-lock-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("refuses a second opening with a clear error, and allows it again after close", async () => {
    const dir = await tempDir();
    const first = await createPgliteDatabase({ dataDir: dir });
    await expect(createPgliteDatabase({ dataDir: dir })).rejects.toMatchObject({
      code: "ERR_STATE_IN_USE",
      errorClass: "user",
      message: expect.stringContaining(`process ${process.pid}`),
    });
    await first.query("SELECT 1");
    await first.close();
    const again = await createPgliteDatabase({ dataDir: dir });
    await again.close();
  });

  it("takes over a lock left by a process that is gone", async () => {
    const dir = await tempDir();
    // Far above any pid the kernel hands out by default (pid_max 4,194,304 at most).
    await writeFile(join(dir, LOCK_FILE), "2147483646");
    const db = await createPgliteDatabase({ dataDir: dir });
    expect((await db.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    await db.close();
  });
});
