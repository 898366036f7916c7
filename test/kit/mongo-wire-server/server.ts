import { createServer, type Socket } from "node:net";
import type { ServerState } from "./commands/context.ts";
import { CursorRegistry } from "./cursor-registry.ts";
import { MemoryStore } from "./memory-store.ts";
import { UserDirectory, type MongoWireUser } from "./users.ts";
import { serveConnection } from "./wire-connection.ts";

export interface MongoWireServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /**
   * Users allowed to authenticate (SCRAM-SHA-256), by name, with their password. When at least one is
   * given, data commands need an authenticated connection (code 13 otherwise), as with `--auth`.
   * @example { tributary: "s3cret", reader: { password: "r", readOnly: true } }
   */
  users?: Record<string, string | MongoWireUser>;
}

export interface MongoWireServer {
  /** `mongodb://<host>:<port>/` without credentials. */
  url: string;
  host: string;
  port: number;
  /** Stop listening and drop every client connection; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Start an in-process server that speaks the MongoDB wire protocol (OP_MSG, plus OP_QUERY for the first
 * handshake) and keeps its data in memory: enough of MongoDB for the real `mongodb` driver to run the
 * commands the test suites use. README.md beside this file lists what it does and does not do.
 */
export async function startMongoWireServer(options: MongoWireServerOptions = {}): Promise<MongoWireServer> {
  const host = options.host ?? "127.0.0.1";
  const state: ServerState = { store: new MemoryStore(), cursors: new CursorRegistry(), users: new UserDirectory(options.users) };
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serveConnection(socket, state, ++connections);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  let closing: Promise<void> | undefined;
  return {
    url: `mongodb://${host}:${port}/`,
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
