import { randomUUID } from "node:crypto";
import { MongoClient, MongoServerError } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMongoWireServer, type MongoWireServer } from "../index.ts";

describe("mongo-wire-server: SCRAM-SHA-256 authentication and access control", () => {
  let server: MongoWireServer;
  const writerPassword = randomUUID();
  const readerPassword = randomUUID();
  const clients: MongoClient[] = [];
  const dbName = `t_${randomUUID().slice(0, 8)}`;

  const clientAs = (user?: string, password?: string) => {
    const url = new URL(server.url);
    if (user) url.username = user;
    if (password) url.password = password;
    const client = new MongoClient(url.toString(), { serverSelectionTimeoutMS: 5_000 });
    clients.push(client);
    return client;
  };

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );

  beforeAll(async () => {
    server = await startMongoWireServer({ users: { writer: writerPassword, reader: { password: readerPassword, readOnly: true } } });
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.close();
    await server?.close();
  });

  it("accepts the right password and knows who is connected", async () => {
    const client = clientAs("writer", writerPassword);
    await client.db(dbName).collection("c").insertOne({ ok: true });
    const status = await client.db("admin").command({ connectionStatus: 1 });
    expect(status.authInfo.authenticatedUsers).toEqual([{ user: "writer", db: "admin" }]);
  });

  it("refuses a wrong password with code 18 (AuthenticationFailed)", async () => {
    const error = await failure(clientAs("writer", "not-the-password").connect());
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18, codeName: "AuthenticationFailed" });
  });

  it("refuses an unknown user the same way", async () => {
    const error = await failure(clientAs("nobody", "whatever").db(dbName).command({ ping: 1 }));
    expect(error).toMatchObject({ code: 18 });
  });

  it("lets an unauthenticated client ping but not read (code 13)", async () => {
    const client = clientAs();
    await expect(client.db(dbName).command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    const error = await failure(client.db(dbName).collection("c").findOne({}));
    expect(error).toMatchObject({ code: 13, codeName: "Unauthorized" });
  });

  it("lets a read-only user read but not write (code 13)", async () => {
    const client = clientAs("reader", readerPassword);
    await expect(client.db(dbName).collection("c").countDocuments()).resolves.toBeGreaterThanOrEqual(0);
    const error = await failure(client.db(dbName).collection("c").insertOne({ no: true }));
    expect(error).toMatchObject({ code: 13 });
  });
});
