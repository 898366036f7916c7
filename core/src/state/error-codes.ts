/**
 * Stable codes raised by the state store. Operators search logs by these, so never rename one.
 * Connection look-ups and the encryption key reuse the shared codes from `../errors/codes.ts`.
 */
export const StateErrorCodes = {
  DATABASE_UNAVAILABLE: "ERR_STATE_DATABASE_UNAVAILABLE",
  DATABASE_CLOSED: "ERR_STATE_DATABASE_CLOSED",
  TRANSACTION_FINISHED: "ERR_STATE_TRANSACTION_FINISHED",
  MIGRATION_INVALID: "ERR_STATE_MIGRATION_INVALID",
  MIGRATION_CHANGED: "ERR_STATE_MIGRATION_CHANGED",
  INVALID_ARGUMENT: "ERR_STATE_INVALID_ARGUMENT",
  CONFLICT: "ERR_STATE_CONFLICT",
  UNEXPECTED_RESULT: "ERR_STATE_UNEXPECTED_RESULT",
  CIPHERTEXT_MALFORMED: "ERR_STATE_CIPHERTEXT_MALFORMED",
  DECRYPT_UNKNOWN_KEY: "ERR_STATE_DECRYPT_UNKNOWN_KEY",
  DECRYPT_FAILED: "ERR_STATE_DECRYPT_FAILED",
} as const;

export type StateErrorCode = (typeof StateErrorCodes)[keyof typeof StateErrorCodes];
