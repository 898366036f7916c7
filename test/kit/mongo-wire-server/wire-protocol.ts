import { BSON } from "bson";
import { isDocument, type Doc } from "./values.ts";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_SIZE = 16;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;

/** A decoded client request: the command document and where to send the answer. */
export interface WireRequest {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  command: Doc;
  db: string;
  /** OP_MSG moreToCome: the client wants no reply (unacknowledged writes). */
  moreToCome: boolean;
}

export class WireProtocolError extends Error {}

/** Length of the next complete message at the start of `buffer`, or undefined while it is incomplete. */
export function completeMessageLength(buffer: Buffer): number | undefined {
  if (buffer.length < 4) return undefined;
  const length = buffer.readInt32LE(0);
  if (length < HEADER_SIZE || length > 48_000_000) throw new WireProtocolError(`invalid message length ${length}`);
  return buffer.length >= length ? length : undefined;
}

const readCString = (buffer: Buffer, at: number): [string, number] => {
  const end = buffer.indexOf(0, at);
  if (end < 0) throw new WireProtocolError("unterminated string");
  return [buffer.toString("utf8", at, end), end + 1];
};

const readDocument = (buffer: Buffer, at: number): [Doc, number] => {
  const size = buffer.readInt32LE(at);
  return [BSON.deserialize(buffer.subarray(at, at + size)), at + size];
};

export function decodeRequest(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_MSG) return decodeMsg(message, requestId);
  if (opCode === OP_QUERY) return decodeQuery(message, requestId);
  throw new WireProtocolError(`unsupported opcode ${opCode}${opCode === OP_COMPRESSED ? " (compression is never offered)" : ""}`);
}

// OP_MSG: flags, one kind-0 section (the command) and any kind-1 document sequences (e.g. `documents`).
function decodeMsg(message: Buffer, requestId: number): WireRequest {
  const flags = message.readUInt32LE(HEADER_SIZE);
  const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let at = HEADER_SIZE + 4;
  let command: Doc | undefined;
  const sequences: Record<string, Doc[]> = {};
  while (at < end) {
    const kind = message[at++];
    if (kind === 0) {
      [command, at] = readDocument(message, at);
    } else if (kind === 1) {
      const sectionEnd = at + message.readInt32LE(at);
      const [identifier, start] = readCString(message, at + 4);
      let cursor = start;
      const docs: Doc[] = [];
      while (cursor < sectionEnd) {
        const [doc, next] = readDocument(message, cursor);
        docs.push(doc);
        cursor = next;
      }
      sequences[identifier] = docs;
      at = sectionEnd;
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new WireProtocolError("OP_MSG without a command section");
  Object.assign(command, sequences);
  return { requestId, opCode: OP_MSG, command, db: typeof command.$db === "string" ? command.$db : "admin", moreToCome: (flags & MORE_TO_COME) !== 0 };
}

// OP_QUERY survives only for the first handshake (`isMaster` on `admin.$cmd`); legacy finds are refused.
function decodeQuery(message: Buffer, requestId: number): WireRequest {
  const [namespace, at] = readCString(message, HEADER_SIZE + 4);
  const [query] = readDocument(message, at + 8);
  const dot = namespace.indexOf(".");
  if (namespace.slice(dot + 1) !== "$cmd") throw new WireProtocolError(`legacy OP_QUERY on ${namespace} is not supported`);
  const command = isDocument(query.$query) ? query.$query : query;
  return { requestId, opCode: OP_QUERY, command, db: namespace.slice(0, dot), moreToCome: false };
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(HEADER_SIZE);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

/** The reply to an OP_MSG: flags 0 and a single kind-0 section. */
export function encodeMsgReply(responseTo: number, reply: Doc): Buffer {
  const body = BSON.serialize(reply);
  const flagsAndKind = Buffer.alloc(5);
  return Buffer.concat([header(HEADER_SIZE + 5 + body.length, responseTo, OP_MSG), flagsAndKind, body]);
}

/** The reply to an OP_QUERY: OP_REPLY with one document, no cursor. */
export function encodeLegacyReply(responseTo: number, reply: Doc): Buffer {
  const body = BSON.serialize(reply);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(1, 16); // numberReturned; responseFlags, cursorID and startingFrom stay 0
  return Buffer.concat([header(HEADER_SIZE + 20 + body.length, responseTo, OP_REPLY), fields, body]);
}
