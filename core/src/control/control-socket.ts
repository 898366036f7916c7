import { chmod, mkdir, unlink } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import { dirname, join, resolve } from "node:path";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, TributaryError, UserError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import type { OperatorActions } from "./operator-actions.ts";

/** The socket sits in a folder of its own, 0700, so nobody else can reach it even for an instant. */
export const CONTROL_SOCKET_FILE = join("control", "cli.sock");
/** Largest control request body: a few ids. */
const MAX_BODY_BYTES = 64 * 1024;

/** Unix socket paths are limited to 107 bytes on Linux (103 on macOS). */
const MAX_SOCKET_PATH = 100;

/** Where the process holding the embedded store in `dataDir` listens for the CLI. */
export function controlSocketPath(dataDir: string): string {
  return join(resolve(dataDir), CONTROL_SOCKET_FILE);
}

export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

const ROUTES: Record<string, (actions: OperatorActions, body: Record<string, unknown>) => Promise<unknown>> = {
  "/connect": (actions, body) =>
    actions.connect({
      provider: String(body.provider ?? ""),
      ...(typeof body.developerId === "string" ? { developerId: body.developerId } : {}),
      ...(typeof body.referenceId === "string" ? { referenceId: body.referenceId } : {}),
      ...(typeof body.providerUserId === "string" ? { providerUserId: body.providerUserId } : {}),
      ...(typeof body.token === "string" ? { token: body.token } : {}),
      ...(typeof body.username === "string" ? { username: body.username } : {}),
      ...(typeof body.password === "string" ? { password: body.password } : {}),
    }),
  "/deauthorize": (actions, body) => actions.deauthorize(String(body.userId ?? "")),
  "/pause": (actions, body) => actions.pause(String(body.userId ?? "")),
  "/resume": (actions, body) => actions.resume(String(body.userId ?? "")),
};

/**
 * The embedded store (PGlite) is one process's alone, so the CLI cannot open it while `serve` runs. That
 * process answers the CLI's actions instead, on a Unix socket in the data folder: only who may read the
 * data folder — and so the database itself — can connect (the socket's folder is 0700, the socket 0600),
 * and it needs no API key, no open port and no HTTP server in a worker-only process. One JSON POST per
 * action.
 */
export async function startControlServer(options: { dataDir: string; actions: OperatorActions; log: Logger }): Promise<ControlServer | undefined> {
  const path = controlSocketPath(options.dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    options.log.warn({ path }, "data folder path too long for a control socket; CLI actions need this process stopped, or PostgreSQL");
    return undefined;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await chmod(dirname(path), 0o700);
  // We hold the store's lock, so a socket file left here is a dead process's.
  await unlink(path).catch(() => undefined);
  const server = createServer((request, response) => {
    const route = ROUTES[(request.url ?? "").split("?")[0]!];
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on("end", () => {
      const reply = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (request.method !== "POST" || !route) return reply(404, { code: ErrorCodes.API_NOT_FOUND, message: "no such control action" });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        return reply(400, { code: ErrorCodes.API_REQUEST_INVALID, message: "the body is not JSON" });
      }
      route(options.actions, body).then(
        (result) => reply(200, result),
        (error: unknown) => {
          if (isTributaryError(error))
            return reply(error.errorClass === "user" ? 400 : 503, { code: error.code, message: error.message, hint: error.hint, errorClass: error.errorClass });
          options.log.error({ err: (error as Error).message, action: request.url }, "control action failed");
          reply(500, { code: ErrorCodes.CONTROL_UNAVAILABLE, message: (error as Error).message, errorClass: "unexpected" });
        },
      );
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(path, () => done());
  });
  await chmod(path, 0o600);
  options.log.info({ path }, "control socket listening for CLI actions");
  return {
    path,
    close: () =>
      new Promise<void>((done) => {
        server.closeIdleConnections();
        server.close(() => done());
      }),
  };
}

/** The same actions, asked of the process listening on the control socket. */
export function controlClient(path: string, { timeoutMs = 30_000 } = {}): OperatorActions {
  const call = <T>(action: string, body: unknown): Promise<T> =>
    new Promise<T>((done, fail) => {
      const request = httpRequest(
        { socketPath: path, path: action, method: "POST", headers: { "content-type": "application/json" }, timeout: timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            let parsed: { code?: string; message?: string; hint?: string; errorClass?: string } & Record<string, unknown>;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof parsed;
            } catch {
              return fail(unavailable(path, `an answer that is not JSON (${response.statusCode})`));
            }
            if (response.statusCode === 200) return done(parsed as T);
            const code = parsed.code ?? ErrorCodes.CONTROL_UNAVAILABLE;
            const message = parsed.message ?? `control action failed (${response.statusCode})`;
            fail(
              new TributaryError(
                code,
                message,
                parsed.errorClass === "user" ? "user" : parsed.errorClass === "transient" ? "transient" : "unexpected",
                parsed.hint ? { hint: parsed.hint } : {},
              ),
            );
          });
        },
      );
      request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on("error", (error) => fail(unavailable(path, error.message)));
      request.end(JSON.stringify(body));
    });
  return {
    connect: (request) => call("/connect", request),
    deauthorize: (userId) => call("/deauthorize", { userId }),
    pause: (userId) => call("/pause", { userId }),
    resume: (userId) => call("/resume", { userId }),
  };
}

function unavailable(path: string, reason: string): UserError {
  return new UserError(ErrorCodes.CONTROL_UNAVAILABLE, `The running Tributary process did not answer on ${path}: ${reason}`, {
    hint: "Check that it is running (serve, api or worker on this data folder); it may be starting or stopping.",
  });
}
