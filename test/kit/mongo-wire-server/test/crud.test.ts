import { randomUUID } from "node:crypto";
import { MongoBulkWriteError, MongoClient, MongoServerError, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMongoWireServer, type MongoWireServer } from "../index.ts";

// The real `mongodb` driver against the in-process server: every assertion is about what the driver sees.
describe("mongo-wire-server: CRUD through the real driver", () => {
  let server: MongoWireServer;
  let client: MongoClient;
  let db: Db;
  const password = randomUUID();

  beforeAll(async () => {
    server = await startMongoWireServer({ users: { owner: password } });
    const url = new URL(server.url);
    url.username = "owner";
    url.password = password;
    client = new MongoClient(url.toString(), { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    db = client.db(`t_${randomUUID().slice(0, 8)}`);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
    await server?.close();
  });

  // Test documents use string and sub-document _ids, so the collection type leaves _id open.
  type Loose = { _id?: string | { user_id: string; key: string }; [field: string]: unknown };
  const collection = () => db.collection<Loose>(`c_${randomUUID().slice(0, 8)}`);

  it("inserts and finds with filters on dotted paths, sort, skip, limit and projection", async () => {
    const c = collection();
    await c.insertMany([
      { _id: "a", meta: { start: "2026-01-01", n: 1 }, tags: ["x", "y"] },
      { _id: "b", meta: { start: "2026-01-02", n: 2 }, tags: ["y"] },
      { _id: "c", meta: { start: "2026-01-03", n: 3 } },
      { _id: "d", meta: { start: "2026-01-04", n: 4 }, gone: null },
    ]);
    const ids = async (filter: Record<string, unknown>) => (await c.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ "meta.n": { $gte: 2, $lt: 4 } })).toEqual(["b", "c"]);
    expect(await ids({ "meta.start": { $lte: "2026-01-02" } })).toEqual(["a", "b"]);
    expect(await ids({ $or: [{ "meta.n": { $eq: 1 } }, { _id: { $in: ["c", "zz"] } }] })).toEqual(["a", "c"]);
    expect(await ids({ tags: "y" })).toEqual(["a", "b"]);
    expect(await ids({ gone: null })).toEqual(["a", "b", "c", "d"]);
    expect(await ids({ gone: { $exists: true } })).toEqual(["d"]);
    expect(await ids({ "meta.n": { $ne: 2, $nin: [3] } })).toEqual(["a", "d"]);
    // Range operators stay inside one type bracket: a number never matches a string bound.
    expect(await ids({ "meta.n": { $lte: "9" } })).toEqual([]);

    const page = await c
      .find({}, { projection: { "meta.n": 1, _id: 0 } })
      .sort({ "meta.n": -1 })
      .skip(1)
      .limit(2)
      .toArray();
    expect(page).toEqual([{ meta: { n: 3 } }, { meta: { n: 2 } }]);
    expect(await c.findOne({ _id: "a" }, { projection: { tags: 0, meta: 0 } })).toEqual({ _id: "a" });
  });

  it("pages through large results with getMore and kills abandoned cursors", async () => {
    const c = collection();
    await c.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const all = await c.find({}).batchSize(40).sort({ i: 1 }).toArray();
    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));

    const cursor = c.find({}).batchSize(10);
    expect(await cursor.next()).not.toBeNull();
    await expect(cursor.close()).resolves.toBeUndefined();
    expect(await c.countDocuments({ i: { $gte: 200 } })).toBe(50);
    expect(await c.estimatedDocumentCount()).toBe(250);
  });

  it("upserts with $set/$setOnInsert and with a replacement, and reports what changed", async () => {
    const c = collection();
    const first = await c.updateOne({ _id: "k" }, { $set: { v: 1 }, $setOnInsert: { created: "first" } }, { upsert: true });
    expect(first).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: "k" });
    const second = await c.updateOne({ _id: "k" }, { $set: { v: 2 }, $setOnInsert: { created: "second" } }, { upsert: true });
    expect(second).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    const same = await c.updateOne({ _id: "k" }, { $set: { v: 2 } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    expect(await c.findOne({ _id: "k" })).toEqual({ _id: "k", v: 2, created: "first" });

    const key = { user_id: "u1", key: "2026-01-01" };
    await c.replaceOne({ _id: key }, { _id: key, steps: 1 }, { upsert: true });
    await c.replaceOne({ _id: key }, { steps: 2 }, { upsert: true });
    expect(await c.find({ _id: key }).toArray()).toEqual([{ _id: key, steps: 2 }]);
    // _id sub-documents compare field by field in order, as in MongoDB.
    expect(await c.findOne({ _id: { key: "2026-01-01", user_id: "u1" } })).toBeNull();

    const changedId = await c.replaceOne({ _id: key }, { _id: "other", steps: 3 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(changedId).toBeInstanceOf(MongoServerError);
    expect((changedId as MongoServerError).code).toBe(66);
  });

  it("updates and deletes many", async () => {
    const c = db.collection<{ g: number; n: number; missing?: string }>(`c_${randomUUID().slice(0, 8)}`);
    await c.insertMany([
      { g: 1, n: 1 },
      { g: 1, n: 2 },
      { g: 2, n: 3 },
    ]);
    expect(await c.updateMany({ g: 1 }, { $inc: { n: 10 }, $unset: { missing: "" } })).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect((await c.find({ g: 1 }).sort({ n: 1 }).toArray()).map((d) => d.n)).toEqual([11, 12]);
    expect((await c.deleteOne({ g: 1 })).deletedCount).toBe(1);
    expect((await c.deleteMany({})).deletedCount).toBe(2);
    expect(await c.countDocuments()).toBe(0);
  });

  it("refuses duplicate _id values with E11000 in the shape the driver expects", async () => {
    const c = collection();
    await c.insertOne({ _id: "dup", v: 1 });
    const single = await c.insertOne({ _id: "dup", v: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(single).toBeInstanceOf(MongoServerError);
    expect(single).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: "dup" } });
    expect((single as Error).message).toMatch(/^E11000 duplicate key error collection: .*index: _id_ dup key/);

    const bulk = await c
      .bulkWrite([{ insertOne: { document: { _id: "new" } } }, { insertOne: { document: { _id: "dup" } } }, { insertOne: { document: { _id: "new2" } } }], {
        ordered: false,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    const writeErrors = [(bulk as MongoBulkWriteError).writeErrors].flat();
    expect(writeErrors.map((e) => [e.index, e.code])).toEqual([[1, 11000]]);
    expect((bulk as MongoBulkWriteError).result.insertedCount).toBe(2);
  });

  it("supports the newer-wins guarded upsert: replace when older, E11000 when the stored one is newer", async () => {
    const c = collection();
    const _id = { user_id: "u", key: "run" };
    const put = (ts: number) =>
      c.replaceOne({ _id, "meta.ts": { $lte: ts } }, { _id, meta: { ts } }, { upsert: true }).then(
        () => "written",
        (e: MongoServerError) => e.code,
      );
    expect(await put(5)).toBe("written");
    expect(await put(7)).toBe("written");
    expect(await put(7)).toBe("written");
    expect(await put(6)).toBe(11000);
    expect(await c.find({}).toArray()).toEqual([{ _id, meta: { ts: 7 } }]);
  });

  it("creates, lists, enforces and drops indexes", async () => {
    const c = collection();
    expect(
      await c.createIndexes([{ key: { "user.user_id": 1 } }, { key: { "meta.start": -1 }, name: "by_start" }, { key: { email: 1 }, unique: true }]),
    ).toEqual(["user.user_id_1", "by_start", "email_1"]);
    // Creating the same indexes again is a no-op.
    await c.createIndex({ "user.user_id": 1 });
    const names = (await c.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(["_id_", "user.user_id_1", "by_start", "email_1"]);
    expect(await c.indexExists("by_start")).toBe(true);

    await c.insertOne({ email: "a@x" });
    const dup = await c.insertOne({ email: "a@x" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(dup).toMatchObject({ code: 11000, keyPattern: { email: 1 } });

    const renamed = await c.createIndex({ "meta.start": -1 }, { name: "other" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(renamed).toMatchObject({ code: 85 });
    const rekeyed = await c.createIndex({ x: 1 }, { name: "by_start" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(rekeyed).toMatchObject({ code: 86 });

    await c.dropIndex("by_start");
    expect((await c.listIndexes().toArray()).map((i) => i.name)).not.toContain("by_start");
  });

  it("lists, drops collections and databases", async () => {
    const other = client.db(`t_${randomUUID().slice(0, 8)}`);
    await other.collection("one").insertOne({});
    await other.createCollection("two");
    expect((await other.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort()).toEqual(["one", "two"]);
    expect((await other.listCollections({ name: "two" }).toArray()).map((c) => c.name)).toEqual(["two"]);
    expect(await other.collection("two").drop()).toBe(true);
    const listed = await client.db("admin").admin().listDatabases();
    expect(listed.databases.map((d) => d.name)).toContain(other.databaseName);
    expect(await other.dropDatabase()).toBe(true);
    expect((await other.listCollections().toArray()).length).toBe(0);
  });

  it("fails loudly on what it does not implement and on unknown commands", async () => {
    const c = collection();
    const unsupported = await c
      .find({ name: { $regex: "x" } })
      .toArray()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(unsupported).toBeInstanceOf(MongoServerError);
    expect((unsupported as MongoServerError).message).toMatch(/not implemented/);
    const unknown = await db.command({ frobnicate: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(unknown).toMatchObject({ code: 59, codeName: "CommandNotFound" });
  });
});
