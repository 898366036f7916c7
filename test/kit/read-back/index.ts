import type { DeliveryPayload } from "@tributary/core/contracts";
import { MongoClient } from "mongodb";
import type { FirestoreReader } from "../../../destinations/firestore/test/firestore-harness.ts";
import type { S3Reader } from "../../../destinations/s3/test/s3-harness.ts";
import type { SqlOptions } from "../../../destinations/sql/src/index.ts";
import { createInspector, readStoredRecords, type Inspector } from "../../../destinations/sql/test/sql-services.ts";
import type { QueueConsumer } from "../../../destinations/sqs/test/queue-consumer.ts";
import type { StoredRecord } from "../destination-conformance.ts";
import type { AwsEmulator } from "../emulators/aws-emulator.ts";
import type { FirestoreEmulator } from "../emulators/firestore-emulator.ts";
import { readMongoRecords } from "./mongodb.ts";

/*
 * Reading back what a destination holds, for tests that run several destination types together. Each reader
 * is the one that destination's own tests use. The SQL, S3, SQS and Firestore readers stay in their
 * destination's test folder because their drivers are dependencies of that package only: imported from
 * there they resolve them from there. The cloud ones are imported on first use, so a test loads only the
 * SDKs it reads with.
 */

export { naturalKeys } from "./natural-keys.ts";
export { receivedRecords, type ReceivedRecords } from "./received-records.ts";
export { readMongoRecords, MONGO_EVENTS_COLLECTION, type MongoPlace } from "./mongodb.ts";

/** The servers the sql reader reads (the ones every development machine and CI run). */
export { POSTGRES_URL, MYSQL_URL } from "../../../destinations/sql/test/sql-services.ts";

/**
 * A destination's `options` as written in the config (or given to `create`): each reader takes where the
 * destination writes from them, so a test reads back exactly where the operator's config pointed it.
 */
type Options = object;

export interface ReadBack {
  /** sql: `dialect`, `schema` (PostgreSQL) and `tablePrefix`, on POSTGRES_URL / MYSQL_URL. */
  sql(options: Options, userId: string): Promise<StoredRecord[]>;
  /** mongodb: `url`, `database`, `collectionPrefix`. */
  mongodb(options: Options, userId: string): Promise<StoredRecord[]>;
  /** firestore: `root`, on the emulator given to createReadBack. */
  firestore(options: Options, userId: string): Promise<StoredRecord[]>;
  /** s3: `bucket` and `prefix`, on the AWS emulator given to createReadBack. */
  s3(options: Options, userId: string): Promise<StoredRecord[]>;
  /** sqs: `queueUrl`. Drains the queue as a consumer does, upserting by natural key (newest ordering timestamp wins). */
  sqs(options: Options, userId: string): Promise<StoredRecord[]>;
  /** Every payload the queue delivered so far (`s3_payload` pointers followed), in arrival order. */
  sqsPayloads(options: Options): Promise<DeliveryPayload[]>;
  /** Drop what an sql destination created (its PostgreSQL schema, or its MySQL tables). */
  dropSql(options: Options): Promise<void>;
  /** Drop a mongodb destination's database. */
  dropMongodb(options: Options): Promise<void>;
  close(): Promise<void>;
}

export interface ReadBackServices {
  aws?: AwsEmulator;
  firestore?: FirestoreEmulator;
}

export function createReadBack(services: ReadBackServices = {}): ReadBack {
  let inspector: Inspector | undefined;
  let s3: Promise<S3Reader> | undefined;
  let sqs: Promise<QueueConsumer> | undefined;
  let firestore: Promise<FirestoreReader> | undefined;
  const mongo = new Map<string, Promise<MongoClient>>();

  const sqlInspector = () => (inspector ??= createInspector());
  const s3Reader = () => (s3 ??= import("../../../destinations/s3/test/s3-harness.ts").then(({ S3Reader }) => new S3Reader(required(services.aws, "aws"))));
  const sqsConsumer = () =>
    (sqs ??= import("../../../destinations/sqs/test/queue-consumer.ts").then(({ QueueConsumer }) => new QueueConsumer(required(services.aws, "aws"))));
  const firestoreReader = () =>
    (firestore ??= import("../../../destinations/firestore/test/firestore-harness.ts").then(
      ({ FirestoreReader }) => new FirestoreReader(required(services.firestore, "firestore")),
    ));
  const mongoClient = (url: string) => {
    let client = mongo.get(url);
    if (!client) {
      client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 }).connect();
      mongo.set(url, client);
    }
    return client;
  };
  return {
    sql: (options, userId) => readStoredRecords(sqlInspector(), options as SqlOptions, userId),
    async mongodb(options, userId) {
      const client = await mongoClient(text(options, "url"));
      return readMongoRecords(client, { database: text(options, "database"), collectionPrefix: optionalText(options, "collectionPrefix") ?? "" }, userId);
    },
    async firestore(options, userId) {
      return (await firestoreReader()).records(text(options, "root"), userId);
    },
    async s3(options, userId) {
      return (await s3Reader()).records(text(options, "bucket"), userId, folder(optionalText(options, "prefix")));
    },
    async sqs(options, userId) {
      return (await sqsConsumer()).records(text(options, "queueUrl"), userId);
    },
    async sqsPayloads(options) {
      return (await (await sqsConsumer()).payloads(text(options, "queueUrl"))).map((received) => received.payload);
    },
    async dropSql(options) {
      await sqlInspector().drop(options as SqlOptions);
    },
    async dropMongodb(options) {
      await (await mongoClient(text(options, "url"))).db(text(options, "database")).dropDatabase();
    },
    async close() {
      const settle = <T>(opened: Promise<T> | undefined, close: (value: T) => unknown) => opened?.then(close, () => undefined) ?? Promise.resolve();
      await Promise.all([
        inspector?.close(),
        settle(s3, (r) => r.client.destroy()),
        settle(sqs, (c) => c.client.destroy()),
        settle(firestore, (r) => r.db.terminate()),
        ...[...mongo.values()].map((client) => settle(client, (c) => c.close())),
      ]);
    },
  };
}

function required<T>(service: T | undefined, name: string): T {
  if (!service) throw new Error(`createReadBack was not given the ${name} emulator`);
  return service;
}

function optionalText(options: Options, field: string): string | undefined {
  const value = (options as Record<string, unknown>)[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new Error(`option ${field} is not a string`);
  return value;
}

function text(options: Options, field: string): string {
  const value = optionalText(options, field);
  if (value === undefined) throw new Error(`option ${field} is missing`);
  return value;
}

/** The s3 destination writes under `<prefix>/` ("terra" and "terra/" are the same folder). */
function folder(prefix: string | undefined): string {
  const trimmed = (prefix ?? "").replace(/^\/+/, "");
  return trimmed === "" || trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}
