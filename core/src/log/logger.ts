import { createRequire } from "node:module";
import { pino, type Logger as PinoLogger } from "pino";
import { redacted } from "../redaction/index.ts";

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

/** What LOG_LEVEL may say (pino's levels). */
export const LOG_LEVELS: readonly string[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export type LogFormat = "pretty" | "json";
export const LOG_FORMATS: readonly LogFormat[] = ["pretty", "json"];
/** `pretty` or `json`; `--log-format` sets it for the process. Default: pretty on a terminal, JSON otherwise. */
export const LOG_FORMAT_ENV = "LOG_FORMAT";

/** The format a logger writing to `stream` uses: $LOG_FORMAT when set, else pretty for a terminal. */
export function logFormatFor(stream: NodeJS.WritableStream, env: Readonly<Record<string, string | undefined>> = process.env): LogFormat {
  const chosen = env[LOG_FORMAT_ENV];
  if (chosen === "pretty" || chosen === "json") return chosen;
  return (stream as { isTTY?: boolean }).isTTY === true ? "pretty" : "json";
}

export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream; format?: LogFormat } = {}): Logger {
  const destination = options.destination ?? process.stdout;
  const format = options.format ?? logFormatFor(destination);
  return pino(
    {
      name: options.name ?? "tributary",
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      // The paths above only reach two levels; provider traffic nests deeper and hides tokens in URLs
      // (a ping's callbackURL): every line's fields also go through the scrubbing policy of what is stored.
      formatters: { log: (object) => redacted(object) },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    format === "pretty" ? prettyStream(destination) : destination,
  );
}

/** pino-pretty, loaded only when asked for: a production process writing JSON never carries it. */
function prettyStream(destination: NodeJS.WritableStream): NodeJS.WritableStream {
  const pretty = createRequire(import.meta.url)("pino-pretty") as (options: Record<string, unknown>) => NodeJS.WritableStream;
  return pretty({
    destination,
    sync: true,
    colorize: (destination as { isTTY?: boolean }).isTTY === true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,name",
  });
}

/** A logger that drops everything: for tests and library use without a host logger. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
