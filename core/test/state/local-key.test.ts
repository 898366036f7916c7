import { mkdtemp, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTokenCipher, loadOrCreateLocalKey } from "../../src/state/index.ts";

describe("loadOrCreateLocalKey", () => {
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-key-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("creates a private key file once and reads it back afterwards", async () => {
    const dataDir = join(await tempDir(), "data");
    const created = await loadOrCreateLocalKey(dataDir);
    expect(created.created).toBe(true);
    expect(created.path).toBe(join(dataDir, "encryption.key"));
    expect((await stat(created.path)).mode & 0o777).toBe(0o600);
    expect(() => createTokenCipher({ key: created.key })).not.toThrow();

    const again = await loadOrCreateLocalKey(dataDir);
    expect(again).toEqual({ ...created, created: false });
  });

  it("agrees on one key when several starters race", async () => {
    const dataDir = await tempDir();
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateLocalKey(dataDir)));
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it("refuses a corrupt key file instead of replacing it", async () => {
    const dataDir = await tempDir();
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, "encryption.key"), "not a key\n");
    await expect(loadOrCreateLocalKey(dataDir)).rejects.toMatchObject({ code: "ERR_CONFIG_ENCRYPTION_KEY" });
  });
});
