import { readdir, readFile, rm, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createPgliteDatabase, createStateStore, createTokenCipher, loadOrCreateLocalKey, migrate, openDatabase } from "../../src/state/index.ts";
import { encodingsOf } from "./find-plaintext.ts";
import { stateStoreSuite } from "./state-store-suite.ts";

stateStoreSuite("state store on in-memory PGlite", { open: () => createPgliteDatabase() });

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("PGlite on disk", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("persists across reopen and never writes tokens to disk in clear", async () => {
    const root = await mkdtemp(join(tmpdir(), "tributary-pglite-"));
    dirs.push(root);
    const dataDir = join(root, "nested", "data");
    const { key } = await loadOrCreateLocalKey(root);
    const accessToken = `access-${randomBytes(16).toString("hex")}`;

    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe("pglite");
    expect((await migrate(first)).applied.length).toBeGreaterThan(0);
    const store = createStateStore({ db: first, cipher: createTokenCipher({ key }) });
    const created = await store.createConnection({ provider: "SANDBOX", tokens: { access_token: accessToken } });
    await store.setCursor(created.user_id, "daily", { day: "2024-01-01" });
    await first.close();

    const second = await openDatabase({ dataDir, databaseUrl: "" });
    try {
      expect(await migrate(second)).toEqual({ applied: [] });
      const reopened = createStateStore({ db: second, cipher: createTokenCipher({ key }) });
      expect(await reopened.getConnection(created.user_id)).toEqual(created);
      expect(await reopened.getTokens(created.user_id)).toEqual({ access_token: accessToken });
      expect(await reopened.getCursor(created.user_id, "daily")).toEqual({ day: "2024-01-01" });
    } finally {
      await second.close();
    }

    const needles = encodingsOf(accessToken).map((s) => Buffer.from(s));
    for (const file of await filesUnder(dataDir)) {
      const bytes = await readFile(file);
      for (const needle of needles) expect(bytes.includes(needle), `${file} contains the token`).toBe(false);
    }
  });
});
