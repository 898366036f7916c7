import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { UserError } from "../errors/index.ts";
import { StateErrorCodes } from "./error-codes.ts";

export interface Migration {
  version: number;
  /** File name, e.g. `0001_initial.sql`. */
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIRECTORY = new URL("./migrations/", import.meta.url);

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

function invalid(message: string): UserError {
  return new UserError(StateErrorCodes.MIGRATION_INVALID, message, {
    hint: "migration files are named NNNN_snake_case.sql with unique, increasing numbers",
  });
}

export async function loadMigrations(directory: URL = MIGRATIONS_DIRECTORY): Promise<Migration[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith(".sql")).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const match = FILE_NAME.exec(name);
    if (match?.[1] === undefined) throw invalid(`bad migration file name: ${name}`);
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) throw invalid(`two migrations share number ${match[1]}`);
    // Line endings are normalised so a Windows checkout (autocrlf) does not look like an edited migration.
    const sql = (await readFile(new URL(name, directory), "utf8")).replace(/\r\n/g, "\n");
    migrations.push({ version, name, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return migrations;
}
