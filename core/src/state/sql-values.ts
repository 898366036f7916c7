import { scrubString } from "../redaction/index.ts";
import { storableJson } from "./sql-params.ts";
import { invalidArgument } from "./state-errors.ts";

/** Both drivers return timestamptz as Date; the store hands out ISO strings. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

export function toIsoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toIso(value);
}

export function timestampParam(value: Date | string, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidArgument(`${what} is not a valid timestamp: ${String(value)}`);
  return date.toISOString();
}

/**
 * JSON goes over the wire as text cast to jsonb: node-postgres would turn a JS array into a Postgres
 * array literal, and the explicit text keeps both drivers byte-identical. NUL characters are escaped
 * (see `storableJson`).
 */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : storableJson(JSON.stringify(value));
}

/** bigint ids come back as string from node-postgres and as number from PGlite. */
export function toId(value: unknown): number {
  return Number(value);
}

export function assertId(id: number, what: string): number {
  if (!Number.isSafeInteger(id) || id < 1) throw invalidArgument(`${what} must be a positive integer, got ${String(id)}`);
  return id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids arrive from HTTP requests; a malformed one is simply "not found", not a database error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function assertUuid(value: string, what: string): string {
  if (!isUuid(value)) throw invalidArgument(`${what} must be a UUID, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

export function assertNonEmpty(value: string, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw invalidArgument(`${what} must be a non-empty string`);
  return value;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export function limitParam(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw invalidArgument(`limit must be a positive integer, got ${String(limit)}`);
  return Math.min(limit, MAX_LIMIT);
}

export function offsetParam(offset: number | undefined): number {
  if (offset === undefined) return 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalidArgument(`offset must be a non-negative integer, got ${String(offset)}`);
  return offset;
}

// Provider error bodies can be whole HTML pages; the audit tables only need the gist.
const MAX_ERROR_LENGTH = 4000;

/** An error as the audit tables keep it: secrets it quotes (a URL's token, a bearer credential) scrubbed, cut to the gist. */
export function errorText(error: string | null | undefined): string | null {
  if (error === undefined || error === null) return null;
  const scrubbed = scrubString(error);
  return scrubbed.length > MAX_ERROR_LENGTH ? `${scrubbed.slice(0, MAX_ERROR_LENGTH)}…` : scrubbed;
}
