import type { CommandContext, CommandHandler } from "./context.ts";
import { CommandError } from "../command-error.ts";
import type { Doc } from "../values.ts";

const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/**
 * `hello` and the legacy `isMaster`: a standalone server, wire version 21 (MongoDB 7.0). No
 * `topologyVersion`, so drivers poll instead of holding a streaming (exhaust) monitor open.
 */
function hello(ctx: CommandContext): Doc {
  const { command, name, server, connection } = ctx;
  const reply: Doc = name === "hello" ? { isWritablePrimary: true } : { ismaster: true };
  if (command.helloOk) reply.helloOk = true;
  Object.assign(reply, {
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: connection.id,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
  });
  // Asked as "<db>.<user>": mongod lists the user's mechanisms only when the user exists.
  if (typeof command.saslSupportedMechs === "string") {
    const user = command.saslSupportedMechs.slice(command.saslSupportedMechs.indexOf(".") + 1);
    if (server.users.get(user)) reply.saslSupportedMechs = ["SCRAM-SHA-256"];
  }
  reply.ok = 1;
  return reply;
}

const buildInfo: CommandHandler = () => ({
  version: "7.0.0",
  gitVersion: "mongo-wire-server",
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ["in-memory"],
  ok: 1,
});

function getParameter(ctx: CommandContext): Doc {
  if (ctx.command.featureCompatibilityVersion !== undefined || ctx.command.getParameter === "*") {
    return { featureCompatibilityVersion: { version: "7.0" }, ok: 1 };
  }
  throw new CommandError(72, "InvalidOptions", "no option found to get");
}

function connectionStatus(ctx: CommandContext): Doc {
  const user = ctx.connection.user;
  return {
    authInfo: {
      authenticatedUsers: user ? [{ user: user.name, db: user.db }] : [],
      authenticatedUserRoles: user ? [{ role: user.readOnly ? "readAnyDatabase" : "root", db: "admin" }] : [],
    },
    ok: 1,
  };
}

export const handshakeCommands: Record<string, CommandHandler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  connectionStatus,
  // Sessions are accepted (lsid is ignored) so drivers attach them as with a real server; nothing to end.
  endSessions: () => ({ ok: 1 }),
};
