import { Binary } from "bson";
import { CommandError } from "../command-error.ts";
import { authenticationFailed, finishConversation, startConversation } from "../scram-sha256.ts";
import type { CommandContext, CommandHandler } from "./context.ts";
import type { Doc } from "../values.ts";

function payloadText(payload: unknown): string {
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position)).toString("utf8");
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString("utf8");
  if (typeof payload === "string") return payload;
  throw new CommandError(17, "ProtocolError", "SASL payload must be binary");
}

const binary = (text: string) => new Binary(Buffer.from(text, "utf8"));

function saslStart(ctx: CommandContext): Doc {
  const { command, connection, server } = ctx;
  if (command.mechanism !== "SCRAM-SHA-256") {
    throw new CommandError(334, "MechanismUnavailable", `Received authentication for mechanism ${String(command.mechanism)} which is unknown or not enabled`);
  }
  const conversation = startConversation(payloadText(command.payload), (user) => server.users.get(user)?.credentials);
  const conversationId = connection.nextConversationId++;
  connection.conversations.set(conversationId, conversation);
  return { conversationId, done: false, payload: binary(conversation.serverFirst), ok: 1 };
}

function saslContinue(ctx: CommandContext): Doc {
  const { command, connection, server, db } = ctx;
  const conversationId = Number(command.conversationId);
  const conversation = connection.conversations.get(conversationId);
  if (!conversation) throw new CommandError(17, "ProtocolError", "No SASL session state found");
  // A client that did not take the early "done" gets an empty final step.
  if (conversation.verified) {
    connection.conversations.delete(conversationId);
    return { conversationId, done: true, payload: binary(""), ok: 1 };
  }
  const record = server.users.get(conversation.user);
  if (!record) throw authenticationFailed();
  try {
    const serverFinal = finishConversation(conversation, payloadText(command.payload), record.credentials);
    conversation.verified = true;
    connection.user = { name: conversation.user, db, readOnly: record.readOnly };
    return { conversationId, done: true, payload: binary(serverFinal), ok: 1 };
  } catch (error) {
    connection.conversations.delete(conversationId);
    throw error;
  }
}

export const authCommands: Record<string, CommandHandler> = {
  saslStart,
  saslContinue,
  // Legacy MONGODB-CR / X.509 entry point: only SCRAM-SHA-256 is offered.
  authenticate: (ctx) => {
    throw new CommandError(
      334,
      "MechanismUnavailable",
      `Received authentication for mechanism ${String(ctx.command.mechanism)} which is unknown or not enabled`,
    );
  },
  logout: (ctx) => {
    delete ctx.connection.user;
    return { ok: 1 };
  },
};
