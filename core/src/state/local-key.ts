import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCodes, TransientError } from "../errors/index.ts";
import { ENCRYPTION_KEY_BYTES, parseEncryptionKey } from "./encryption-key.ts";

export interface LocalKey {
  /** base64, ready for `createTokenCipher({ key })`. Never log it. */
  key: string;
  path: string;
  /** True when this call generated the key: the operator should back the file up. */
  created: boolean;
}

export const LOCAL_KEY_FILE = "encryption.key";

/**
 * The embedded (PGlite) default: a key file next to the data, readable by its owner only. Losing it
 * makes every stored token unreadable, so it is never overwritten.
 */
export async function loadOrCreateLocalKey(dataDir: string): Promise<LocalKey> {
  const path = join(dataDir, LOCAL_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing !== undefined) return { key: existing, path, created: false };

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(ENCRYPTION_KEY_BYTES).toString("base64");
  // Write a private temp file, then hard-link it into place: link() fails if the name exists, so two
  // processes starting together agree on one key and neither ever reads a half-written file.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, `${key}\n`, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, path);
    return { key, path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const winner = await readKeyFile(path);
  if (winner === undefined) {
    throw new TransientError(ErrorCodes.CONFIG_ENCRYPTION_KEY, `${path} vanished while it was being created`);
  }
  return { key: winner, path, created: false };
}

async function readKeyFile(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const key = text.trim();
  parseEncryptionKey(key, `key file ${path}`);
  return key;
}
