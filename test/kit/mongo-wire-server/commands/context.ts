import { CommandError } from "../command-error.ts";
import type { CursorRegistry } from "../cursor-registry.ts";
import type { MemoryStore } from "../memory-store.ts";
import type { ScramConversation } from "../scram-sha256.ts";
import type { UserDirectory } from "../users.ts";
import type { Doc } from "../values.ts";

/** What lives as long as the server: the data, open cursors, users. */
export interface ServerState {
  store: MemoryStore;
  cursors: CursorRegistry;
  users: UserDirectory;
}

/** What lives as long as one client connection: who authenticated on it, SASL conversations in flight. */
export interface ConnectionState {
  id: number;
  user?: { name: string; db: string; readOnly: boolean };
  conversations: Map<number, ScramConversation & { verified?: boolean }>;
  nextConversationId: number;
}

export interface CommandContext {
  /** The command's name: the first key of the command document. */
  name: string;
  command: Doc;
  /** The database the command runs against (`$db`, or the namespace of a legacy OP_QUERY). */
  db: string;
  server: ServerState;
  connection: ConnectionState;
}

export type CommandHandler = (ctx: CommandContext) => Doc;

/** The collection a command names in its first field (`{ find: "<name>" }`). */
export function collectionName(ctx: CommandContext): string {
  const value = ctx.command[ctx.name];
  if (typeof value !== "string" || value.length === 0) {
    throw new CommandError(73, "InvalidNamespace", `collection name has invalid type ${typeof value}`);
  }
  return value;
}
