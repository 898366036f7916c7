import type { Socket } from "node:net";
import { CommandError } from "./command-error.ts";
import type { ConnectionState, ServerState } from "./commands/context.ts";
import { runCommand } from "./commands/index.ts";
import type { Doc } from "./values.ts";
import { OP_MSG, completeMessageLength, decodeRequest, encodeLegacyReply, encodeMsgReply, type WireRequest } from "./wire-protocol.ts";

function answer(request: WireRequest, server: ServerState, connection: ConnectionState): Doc {
  const name = Object.keys(request.command)[0];
  if (!name) return new CommandError(59, "CommandNotFound", "empty command document").toReply();
  try {
    return runCommand({ name, command: request.command, db: request.db, server, connection });
  } catch (error) {
    if (error instanceof CommandError) return error.toReply();
    // A bug in this server: say so plainly instead of dropping the connection.
    return { ok: 0, errmsg: `mongo-wire-server internal error in ${name}: ${(error as Error).message}`, code: 1, codeName: "InternalError" };
  }
}

/** One client socket: frames incoming bytes into messages and answers each in order. */
export function serveConnection(socket: Socket, server: ServerState, id: number): void {
  const connection: ConnectionState = { id, conversations: new Map(), nextConversationId: 1 };
  let pending: Buffer = Buffer.alloc(0);
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    try {
      for (let length = completeMessageLength(pending); length !== undefined; length = completeMessageLength(pending)) {
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        const request = decodeRequest(message);
        const reply = answer(request, server, connection);
        if (request.moreToCome) continue;
        socket.write(request.opCode === OP_MSG ? encodeMsgReply(request.requestId, reply) : encodeLegacyReply(request.requestId, reply));
      }
    } catch {
      // Only framing and decoding can throw here (command failures are answered): a malformed message
      // cannot be answered, so close the connection as mongod does; the driver reports a network error.
      socket.destroy();
    }
  });
}
