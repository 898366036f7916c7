import { createRequire } from "node:module";
import { pino, type Logger as PinoLogger } from "pino";
import { redacted, scrubString } from "../redaction/index.ts";

export type Logger = PinoLogger;

const serializeError = pino.stdSerializers.err;

/**
 * What a logged value that is not a JSON shape is written as, so that the scrubbing policy sees it before it
 * is written: an error as pino's err serializer gives it (type, message and stack with those of its causes,
 * its own fields), a value with toJSON (URL, Date, Buffer) as that, any other object as its own fields.
 */
function jsonShape(value: object): unknown {
  if (value instanceof Error) return { ...serializeError(value) };
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return toJSON.call(value) as unknown;
  return { ...value };
}

const SHAPE = { shape: jsonShape };

/**
 * A log line's fields as they will be written, through the scrubbing policy of what is stored (`redaction/`)
 * at any depth: secret-named fields, secret-named URL and form parameters inside any string, bearer
 * credentials — in errors, their causes and whatever request they carry too.
 */
const loggable = (fields: Record<string, unknown>): Record<string, unknown> => redacted(fields, undefined, SHAPE);

/** A message, or an error that gives the line its message, scrubbed as fields are. */
const scrubbedArgs = (args: unknown[]): unknown[] => {
  const [first, second] = args;
  if (typeof second !== "string") {
    // pino makes an error's message the line's when none is given: `log.error(err)`, `log.error({ err })`.
    const error = first instanceof Error ? first : (first as { err?: unknown } | undefined)?.err;
    if (error instanceof Error) return [first, scrubString(error.message), ...args.slice(2)];
  }
  return args.map((arg) => (typeof arg === "string" ? scrubString(arg) : arg));
};

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
  const logger = pino(
    {
      name: options.name ?? "tributary",
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      // One scrubbing mechanism for every line: its fields (pino formats them before its serializers run,
      // hence errors are serialized here, and pino's err serializer only passes them on), a child logger's
      // bindings (below) and its message (logMethod).
      formatters: { log: loggable },
      serializers: { err: (value: unknown) => value },
      hooks: {
        logMethod(args, method) {
          method.apply(this, scrubbedArgs(args) as Parameters<typeof method>);
        },
      },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    format === "pretty" ? prettyStream(destination) : destination,
  );
  // pino's bindings formatter sees the root's bindings only; a child's (and its children's, which inherit
  // this method) are scrubbed here, before pino writes them once for every line of the child.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, loggable(bindings), childOptions);
  } as typeof child;
  return logger;
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
