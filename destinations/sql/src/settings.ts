import type { ErrorContext } from "./destination-errors.ts";
import { configError } from "./destination-errors.ts";
import { DEFAULT_POOL_SIZE, DEFAULT_TABLE_PREFIX, IDENTIFIER_PATTERN, MAX_TABLE_PREFIX_LENGTH, TABLE_PREFIX_PATTERN, type SqlOptions } from "./options.ts";
import { tableNames, type TableNames } from "./table-names.ts";

/** What every dialect needs once the options are checked. */
export interface CommonSettings {
  name: string;
  tables: TableNames;
  poolSize: number;
  errors: ErrorContext;
}

/**
 * The parts of the options both dialects share. The config loader already validated the JSON Schema;
 * this repeats the checks that keep SQL injection out of identifiers, for callers that skip the loader.
 */
export function commonSettings(name: string, options: SqlOptions): Omit<CommonSettings, "errors"> {
  const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  if (!new RegExp(TABLE_PREFIX_PATTERN).test(prefix) || prefix.length > MAX_TABLE_PREFIX_LENGTH) {
    throw configError(
      name,
      `tablePrefix "${prefix}" is not a safe table name prefix`,
      `Use at most ${MAX_TABLE_PREFIX_LENGTH} letters, digits and underscores, not starting with a digit.`,
    );
  }
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw configError(name, `poolSize must be a positive integer`, "Set poolSize to a number of connections such as 5.");
  }
  return { name, tables: tableNames(prefix), poolSize };
}

export function assertIdentifier(name: string, option: string, value: string, maxLength: number): string {
  if (!new RegExp(IDENTIFIER_PATTERN).test(value) || value.length > maxLength) {
    throw configError(
      name,
      `${option} "${value}" is not a safe SQL name`,
      `Use at most ${maxLength} letters, digits and underscores, not starting with a digit.`,
    );
  }
  return value;
}

/** Parse the `url` option without ever echoing it (it may hold the password). */
export function parseUrl(name: string, url: string | undefined, fallback: string, protocols: readonly string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url ?? fallback);
  } catch {
    throw configError(name, "url is not a valid URL", `Write it as ${fallback.replace(/\/\/.*/, "//user:password@host:port/database")}.`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw configError(
      name,
      `url starts with "${parsed.protocol}//" but the dialect expects ${protocols.map((p) => `${p}//`).join(" or ")}`,
      "Make the url's scheme match the dialect option.",
    );
  }
  return parsed;
}
