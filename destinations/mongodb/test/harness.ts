import type { Destination, DestinationContext, Logger } from "@tributary/core/contracts";
import { readMongoRecords, type DestinationHarness, type MongoPlace } from "@tributary/test-kit";
import { MongoClient, type Document } from "mongodb";
import mongodb, { ATHLETE_COLLECTION, DATA_COLLECTIONS, EVENTS_COLLECTION, type MongoOptions } from "../src/index.ts";
import { uniqueDatabase, type MongoTarget } from "./mongo-target.ts";

/** Log lines a destination emitted, kept so tests can assert on warnings. */
export interface LoggedLine {
  level: string;
  fields: unknown;
  message?: string;
}

/**
 * A destination context whose logger records instead of printing. Core's pino factory is not part of the
 * contract surface plugins import, and a destination only calls the level methods and child().
 */
export function recordingContext(name = "mongo-test"): DestinationContext & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at = (level: string) => (fields: unknown, message?: string) => void lines.push({ level, fields, ...(message ? { message } : {}) });
  const log: Record<string, unknown> = {
    level: "debug",
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
  };
  log.child = () => log;
  return { name, log: log as unknown as Logger, lookup: () => undefined, lines };
}

/** Opens destinations on unique databases and reads back what they stored through a separate real client. */
export class MongoHarness implements DestinationHarness {
  private readonly databases = new WeakMap<Destination, { database: string; prefix: string }>();
  private reader?: MongoClient;

  constructor(private readonly target: () => MongoTarget) {}

  open(options: Partial<MongoOptions> = {}): Destination {
    const database = options.database ?? uniqueDatabase();
    const destination = mongodb.create({ url: this.target().url, serverSelectionTimeoutMs: 5_000, ...options, database }, recordingContext());
    this.databases.set(destination, { database, prefix: options.collectionPrefix ?? "" });
    return destination;
  }

  create = () => this.open();

  createAt = (origin: { host: string; port: number }) =>
    mongodb.create(
      { url: `mongodb://${origin.host}:${origin.port}/?directConnection=true`, serverSelectionTimeoutMs: 1_000, database: uniqueDatabase() },
      recordingContext(),
    );

  createWithBadCredentials = () =>
    mongodb.create({ url: this.target().badCredentialsUrl, serverSelectionTimeoutMs: 5_000, database: uniqueDatabase() }, recordingContext());

  /** The database and prefix a destination writes to. */
  placeOf(destination: Destination): { database: string; prefix: string } {
    const place = this.databases.get(destination);
    if (!place) throw new Error("destination was not opened by this harness");
    return place;
  }

  async client(): Promise<MongoClient> {
    this.reader ??= await new MongoClient(this.target().url, { serverSelectionTimeoutMS: 5_000 }).connect();
    return this.reader;
  }

  async documents(destination: Destination, collection: string, filter: Document = {}): Promise<Document[]> {
    const { database, prefix } = this.placeOf(destination);
    return (await this.client())
      .db(database)
      .collection(prefix + collection)
      .find(filter)
      .sort({ _id: 1 })
      .toArray();
  }

  readRecords = async (destination: Destination, userId: string) =>
    readMongoRecords(await this.client(), this.mongoPlace(destination), userId, [...DATA_COLLECTIONS, ATHLETE_COLLECTION]);

  readEvents = async (destination: Destination, userId: string) =>
    readMongoRecords(await this.client(), this.mongoPlace(destination), userId, [EVENTS_COLLECTION]);

  private mongoPlace(destination: Destination): MongoPlace {
    const { database, prefix } = this.placeOf(destination);
    return { database, collectionPrefix: prefix };
  }

  cleanup = async (destination: Destination) => {
    await (await this.client()).db(this.placeOf(destination).database).dropDatabase();
  };

  async close(): Promise<void> {
    await this.reader?.close();
  }
}
