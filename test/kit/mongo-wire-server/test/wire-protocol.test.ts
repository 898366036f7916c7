import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { BSON } from "bson";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMongoWireServer, type MongoWireServer } from "../index.ts";

// Frames the driver never sends on its own (document sequences, garbage), written byte by byte.
function opMsg(requestId: number, body: Record<string, unknown>, sequence?: { id: string; docs: Record<string, unknown>[] }): Buffer {
  const sections: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  if (sequence) {
    const docs = sequence.docs.map((d) => Buffer.from(BSON.serialize(d)));
    const id = Buffer.from(`${sequence.id}\0`, "utf8");
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.reduce((n, d) => n + d.length, 0));
    sections.push(Buffer.from([1]), size, id, ...docs);
  }
  const header = Buffer.alloc(20);
  const length = 20 + sections.reduce((n, s) => n + s.length, 0);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(2013, 12);
  return Buffer.concat([header, ...sections]);
}

async function exchange(socket: Socket, frame: Buffer): Promise<Record<string, unknown>> {
  const reply = new Promise<Buffer>((resolve) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= data.readInt32LE(0)) {
        socket.off("data", onData);
        resolve(data);
      }
    };
    socket.on("data", onData);
  });
  socket.write(frame);
  const message = await reply;
  expect(message.readInt32LE(12)).toBe(2013);
  expect(message.readInt32LE(8)).toBe(frame.readInt32LE(4));
  return BSON.deserialize(message.subarray(21));
}

describe("mongo-wire-server: framing", () => {
  let server: MongoWireServer;
  const sockets: Socket[] = [];
  const open = async () => {
    const socket = connect(server.port, "127.0.0.1");
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    return socket;
  };

  beforeAll(async () => {
    server = await startMongoWireServer();
  });

  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await server?.close();
  });

  it("accepts OP_MSG document sequences (kind 1) as the command's array field", async () => {
    const socket = await open();
    const db = `t_${randomUUID().slice(0, 8)}`;
    const inserted = await exchange(socket, opMsg(7, { insert: "c", $db: db }, { id: "documents", docs: [{ _id: 1 }, { _id: 2 }] }));
    expect(inserted).toMatchObject({ n: 2, ok: 1 });
    const found = await exchange(socket, opMsg(8, { find: "c", filter: {}, $db: db }));
    expect((found.cursor as { firstBatch: unknown[] }).firstBatch).toEqual([{ _id: 1 }, { _id: 2 }]);
  });

  it("closes a connection that sends garbage and keeps serving others", async () => {
    const socket = await open();
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(Buffer.from([8, 0, 0, 0, 1, 2, 3, 4]));
    await closed;

    const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 });
    try {
      await expect(client.db("admin").command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });
});
