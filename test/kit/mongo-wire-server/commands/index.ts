import { CommandError } from "../command-error.ts";
import { describeValue, type Doc } from "../values.ts";
import { authCommands } from "./auth.ts";
import type { CommandContext, CommandHandler } from "./context.ts";
import { ddlCommands } from "./ddl.ts";
import { handshakeCommands } from "./handshake.ts";
import { readCommands } from "./read.ts";
import { writeCommands } from "./write.ts";

const COMMANDS: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...authCommands,
  ...readCommands,
  ...writeCommands,
  ...ddlCommands,
};

// What mongod with access control lets an unauthenticated connection run.
const OPEN_COMMANDS = new Set([
  "hello",
  "isMaster",
  "ismaster",
  "ping",
  "buildInfo",
  "buildinfo",
  "saslStart",
  "saslContinue",
  "authenticate",
  "logout",
  "endSessions",
  "connectionStatus",
]);
const WRITE_COMMANDS = new Set(["insert", "update", "delete", "createIndexes", "dropIndexes", "deleteIndexes", "create", "drop", "dropDatabase"]);

/** Check access, then run one command; failures come back as CommandError for the caller to answer. */
export function runCommand(ctx: CommandContext): Doc {
  const { name, command, connection, server, db } = ctx;
  if (server.users.authRequired && !connection.user && !OPEN_COMMANDS.has(name)) {
    throw new CommandError(13, "Unauthorized", `Command ${name} requires authentication`);
  }
  if (connection.user?.readOnly && WRITE_COMMANDS.has(name)) {
    throw new CommandError(13, "Unauthorized", `not authorized on ${db} to execute command { ${name}: ${describeValue(command[name])} }`);
  }
  // A standalone server, like a real standalone mongod, has no transactions or retryable-write numbers.
  if (command.txnNumber !== undefined || command.startTransaction !== undefined) {
    throw new CommandError(20, "IllegalOperation", "Transaction numbers are only allowed on a replica set member or mongos");
  }
  const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) throw new CommandError(59, "CommandNotFound", `no such command: '${name}'`);
  return handler(ctx);
}
