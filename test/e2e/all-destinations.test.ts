import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_EVENT_TYPES } from "@tributary/core/contracts";
import { startLocalReceiver, type LocalReceiver } from "@tributary/core/demo";
import { waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import type { StateStore } from "@tributary/core/state";
import { memoryStateStore, type StoredRecord } from "@tributary/test-kit";
import { s3DestinationOptionsYaml, startAwsEmulator, startFirestoreEmulator, type AwsEmulator, type FirestoreEmulator } from "@tributary/test-kit/emulators";
import { startMongoTarget, type MongoTarget } from "../../destinations/mongodb/test/mongo-target.ts";
import { createReadBack, MYSQL_URL, naturalKeys, POSTGRES_URL, receivedRecords, type ReadBack } from "../kit/read-back/index.ts";
import { startConfiguredApp, type ConfiguredApp } from "./configured-app.ts";

/*
 * The operator's path with every destination type enabled at once: a config file (secrets from the
 * environment, an `events` filter), the plugins it lists, one SANDBOX user's backfill through BullMQ on
 * the real Redis, then each real service read back with its own client. Whatever each destination stores
 * it in, every one must hold the same records under the same natural keys.
 */

const DATA_TYPES = [...DATA_EVENT_TYPES].sort();

describe("SANDBOX backfill to webhook, sql (PostgreSQL and MariaDB), mongodb, firestore, s3 and sqs at once", () => {
  const id = randomUUID().replaceAll("-", "").slice(0, 12);
  const prefix = `test-e2e-all-${id}`;
  const env = {
    E2E_API_KEY: randomBytes(16).toString("hex"),
    E2E_SIGNING_SECRET: randomBytes(16).toString("hex"),
    E2E_AWS_SECRET: randomBytes(16).toString("hex"),
    E2E_MONGO_URL: "",
    REDIS_URL: process.env.REDIS_URL,
  };
  let aws: AwsEmulator | undefined;
  let firestore: FirestoreEmulator | undefined;
  let mongo: MongoTarget | undefined;
  let receiver: LocalReceiver | undefined;
  let store: StateStore | undefined;
  let tributary: ConfiguredApp | undefined;
  let readBack: ReadBack;

  const optionsOf = (name: string) => {
    if (!tributary) throw new Error("setup failed");
    return tributary.options(name);
  };

  beforeAll(async () => {
    [aws, firestore, mongo, receiver] = await Promise.all([
      startAwsEmulator(),
      startFirestoreEmulator(),
      startMongoTarget(),
      startLocalReceiver({ signingSecret: env.E2E_SIGNING_SECRET }),
    ]);
    env.E2E_MONGO_URL = mongo.url;
    readBack = createReadBack({ aws, firestore });
    const bucket = aws.createBucket(`tributary-${randomUUID()}`);
    const queueUrl = aws.createQueue(`tributary-${randomUUID()}`);

    store = await memoryStateStore();
    tributary = await startConfiguredApp(
      `# every destination type, as an operator would write it
redis:
  url: \${REDIS_URL:-redis://127.0.0.1:6379}
api:
  apiKeys: [\${E2E_API_KEY}]
  signingSecret: \${E2E_SIGNING_SECRET}   # the webhook signs with this one: it sets none of its own
providers:
  SANDBOX:
    backfillDays: 5   # the SANDBOX generator guarantees every data type in any 5-day window
destinations:
  - name: app-hook
    type: webhook
    options:
      url: ${receiver.url}
  - name: warehouse
    type: sql
    options:
      dialect: postgres
      url: ${POSTGRES_URL}
      schema: t_${id}
      poolSize: 2
  - name: warehouse-mariadb
    type: sql
    options:
      dialect: mysql
      url: ${MYSQL_URL}
      tablePrefix: t_${id}_
      poolSize: 2
  - name: documents
    type: mongodb
    options:
      url: \${E2E_MONGO_URL}
      database: test_${id}
      serverSelectionTimeoutMs: 5000
  - name: realtime
    type: firestore
    options:
      projectId: ${firestore.projectId}
      host: "${firestore.endpoint}"
      root: t-${id}
  - name: lake
    type: s3
    options: ${s3DestinationOptionsYaml(aws, bucket, "${E2E_AWS_SECRET}")}
  - name: stream
    type: sqs
    # data only: a queue consumer that does not want lifecycle events
    events: [activity, body, daily, sleep, nutrition, menstruation, athlete]
    options:
      queueUrl: ${queueUrl}
      endpoint: ${aws.endpoint}
      accessKeyId: ${aws.credentials.accessKeyId}
      secretAccessKey: \${E2E_AWS_SECRET}
      payloadStore: lake   # activities with samples outgrow SQS's 256 KiB: sent as s3_payload pointers
`,
      { env, store, prefix },
    );
  });

  afterAll(async () => {
    await tributary?.destroy();
    await store?.db.close();
    if (tributary) {
      await readBack.dropSql(optionsOf("warehouse")).catch(() => undefined);
      await readBack.dropSql(optionsOf("warehouse-mariadb")).catch(() => undefined);
      await readBack.dropMongodb(optionsOf("documents")).catch(() => undefined);
    }
    await readBack?.close();
    await Promise.all([receiver?.close(), aws?.stop(), firestore?.stop(), mongo?.close()]);
  });

  it("the config resolved the secrets from the environment and the events filter", () => {
    expect(optionsOf("app-hook").signingSecret).toBe(env.E2E_SIGNING_SECRET);
    expect(optionsOf("lake").secretAccessKey).toBe(env.E2E_AWS_SECRET);
    expect(optionsOf("documents").url).toBe(mongo?.url);
    expect(tributary?.app.ctx.destinations.size).toBe(7);
    expect([...(tributary?.app.ctx.destinations.get("stream")?.events ?? [])].sort()).toEqual(DATA_TYPES);
  });

  it("every destination holds the same (type, natural key) records", { timeout: 120_000 }, async () => {
    if (!tributary || !receiver) throw new Error("setup failed");
    const { app } = tributary;
    const { user } = await connectUser(app.ctx, { provider: "SANDBOX", referenceId: `e2e-${id}` });
    await waitForIdle(app.ctx.queues, { timeoutMs: 100_000 });

    expect(await app.ctx.store.listDeadLetters({})).toEqual([]);
    for (const entry of receiver.received) expect(entry.issues, `${entry.payload.type}: ${JSON.stringify(entry.issues)}`).toEqual([]);

    // What the webhook's receiver holds, deduplicated by natural key as a Terra consumer does.
    const expected = naturalKeys(
      receivedRecords(
        receiver.received.map((entry) => entry.payload),
        user.user_id,
      ).records,
    );
    expect([...new Set(expected.map((key) => key.split("/")[0]))].sort()).toEqual(DATA_TYPES);
    expect(expected.length).toBeGreaterThan(DATA_TYPES.length);

    const readers: Array<[string, () => Promise<StoredRecord[]>]> = [
      ["warehouse (PostgreSQL)", () => readBack.sql(optionsOf("warehouse"), user.user_id)],
      ["warehouse-mariadb (MariaDB)", () => readBack.sql(optionsOf("warehouse-mariadb"), user.user_id)],
      ["documents (mongodb)", () => readBack.mongodb(optionsOf("documents"), user.user_id)],
      ["realtime (firestore)", () => readBack.firestore(optionsOf("realtime"), user.user_id)],
      ["lake (s3)", () => readBack.s3(optionsOf("lake"), user.user_id)],
      ["stream (sqs)", () => readBack.sqs(optionsOf("stream"), user.user_id)],
    ];
    for (const [name, read] of readers) expect(naturalKeys(await read()), name).toEqual(expected);

    // The events filter: lifecycle events reach the webhook, not the data-only queue.
    expect(receiver.received.map((entry) => entry.payload.type)).toContain("auth");
    const queued = await readBack.sqsPayloads(optionsOf("stream"));
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.filter((payload) => !DATA_EVENT_TYPES.has(payload.type))).toEqual([]);
  });
});
