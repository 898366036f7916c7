/** Stable error codes so callers can branch on `error.code` instead of parsing messages. */
export const SCHEMA_ERROR_CODES = [
  "ERR_SCHEMA_MISSING_ID",
  "ERR_SCHEMA_DUPLICATE_ID",
  "ERR_SCHEMA_UNKNOWN",
  "ERR_SCHEMA_REQUIRED",
  "ERR_SCHEMA_INVALID",
] as const;
export type SchemaErrorCode = (typeof SCHEMA_ERROR_CODES)[number];

/** Thrown for misuse of the registry (bad schema, unknown name); never for invalid data. */
export class SchemaRegistryError extends Error {
  override readonly name = "SchemaRegistryError";
  readonly code: SchemaErrorCode;

  constructor(code: SchemaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isSchemaRegistryError(error: unknown): error is SchemaRegistryError {
  return error instanceof SchemaRegistryError;
}
