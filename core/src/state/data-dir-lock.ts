import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

export const LOCK_FILE = "tributary.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is one process per data folder: a second process opening it would corrupt it. The first one
 * takes this lock (a file holding its pid, created exclusively); a lock left by a dead process is taken
 * over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx", mode: 0o600 });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && (holder === process.pid || alive(holder))) {
        throw new UserError(ErrorCodes.STATE_IN_USE, `The embedded database in ${dataDir} is in use by process ${holder}`, {
          hint: "Run one Tributary process on it (e.g. `serve`, which runs API and workers together), stop the other one, or set DATABASE_URL to share a PostgreSQL between processes.",
        });
      }
      // Stale (its process is gone): take it over.
      unlinkSync(path);
    }
  }
  throw new UserError(ErrorCodes.STATE_IN_USE, `Cannot lock the embedded database in ${dataDir}`, { hint: "Check the folder's permissions." });
}

/** The pid of another live process holding the folder's lock, if any. */
export function lockHolder(dataDir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, LOCK_FILE), "utf8");
  } catch {
    return undefined;
  }
  const holder = Number(text.trim());
  return Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder) ? holder : undefined;
}
