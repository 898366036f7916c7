import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/** Keys whose values are secrets wherever they sit in a logged object: tokens, secrets, credentials. */
const SECRET_KEYS = [
  "access_token",
  "refresh_token",
  "id_token",
  "accessToken",
  "refreshToken",
  "code_verifier",
  "codeVerifier",
  "client_secret",
  "clientSecret",
  "pushSecret",
  "webhookSecret",
  "verifyToken",
  "encryptionKey",
  "password",
  "secret",
  "signingSecret",
  "apiKey",
  "api_key",
  "token",
  "tokens",
  "credentials",
  "authorization",
  "Authorization",
];

/**
 * Paths redacted wherever they appear in a log object: tokens, secrets and credentials must never reach a
 * log line, even when someone logs a whole config or request. pino matches exact depths: each key is
 * redacted at the top level and one level down.
 */
export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'headers["x-api-key"]',
  'headers["authorization"]',
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  'headers["terra-signature"]',
  'req.headers["terra-signature"]',
];

export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      name: options.name ?? "tributary",
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
}

/** A logger that drops everything: for tests and library use without a host logger. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
