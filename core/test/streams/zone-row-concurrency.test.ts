import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPgliteDatabase,
  createPostgresDatabase,
  createStateStore,
  createTokenCipher,
  migrate,
  type Database,
  type StateStore,
} from "../../src/state/index.ts";
import { advanceCheckpoint, readCheckpoint } from "../../src/streams/checkpoints.ts";
import { keepMappedDays, learnZoneFrom, readLearnedZone } from "../../src/streams/learned-zone.ts";
import type { StaleDate } from "../../src/streams/mapped-offsets.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../state/test-databases.ts";

const NOW = Date.parse("2026-04-20T12:00:00Z");
const JOBS = 12;
const dateOf = (index: number) => new Date(Date.parse("2026-04-01T00:00:00Z") + index * 86_400_000).toISOString().slice(0, 10);

interface Backend {
  name: string;
  /** The stores the jobs of one test take turns on: on PostgreSQL two pools, as two workers have. */
  open(): Promise<{ stores: StateStore[]; close(): Promise<void> }>;
}

const storeOn = (db: Database, key: string) => createStateStore({ db, cipher: createTokenCipher({ key }) });

const backends: Backend[] = [
  {
    name: "PostgreSQL",
    async open() {
      const schema = uniqueSchema();
      const key = randomBytes(32).toString("base64");
      const dbs = [await createPostgresDatabase({ url: TEST_DATABASE_URL, schema }), await createPostgresDatabase({ url: TEST_DATABASE_URL, schema })];
      await migrate(dbs[0]!);
      return {
        stores: dbs.map((db) => storeOn(db, key)),
        async close() {
          for (const db of dbs) await db.close();
          await dropSchema(schema);
        },
      };
    },
  },
  {
    name: "PGlite",
    async open() {
      const db = await createPgliteDatabase();
      await migrate(db);
      return { stores: [storeOn(db, randomBytes(32).toString("base64"))], close: () => db.close() };
    },
  },
];

/**
 * Jobs of one connection (pulls of several data types, a push) run at once on several workers and each
 * merges what it learned into the connection's cursor rows: none may lose another's entries.
 */
describe.each(backends)("a connection's cursor rows under concurrent jobs ($name)", (backend) => {
  let stores: StateStore[];
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ stores, close } = await backend.open());
  });
  afterAll(async () => {
    await close?.();
  });
  const storeFor = (job: number) => stores[job % stores.length]!;

  it("every job's learned offset survives", async () => {
    const { user_id } = await stores[0]!.createConnection({ provider: "X" });
    await Promise.all(
      Array.from({ length: JOBS }, (_, job) =>
        learnZoneFrom(
          { cursors: storeFor(job), userId: user_id },
          { zone: "+02:00", offsets: [{ localAsUtcMs: Date.parse(`${dateOf(job)}T09:00:00Z`), offsetSeconds: 7200 }] },
          NOW,
        ),
      ),
    );
    const known = await readLearnedZone(stores[0]!, user_id);
    expect(Object.keys(known.days).sort()).toEqual(Array.from({ length: JOBS }, (_, job) => dateOf(job)));
  });

  it("every job's mapped dates survive, beside the offsets learned meanwhile", async () => {
    const { user_id } = await stores[0]!.createConnection({ provider: "X" });
    await Promise.all(
      Array.from({ length: JOBS }, async (_, job) => {
        const keeping = { cursors: storeFor(job), userId: user_id };
        if (job % 3 === 0) {
          const said = { zone: "+02:00", offsets: [{ localAsUtcMs: Date.parse(`${dateOf(job)}T09:00:00Z`), offsetSeconds: 7200 }] };
          return learnZoneFrom(keeping, said, NOW);
        }
        const known = await readLearnedZone(keeping.cursors, user_id);
        return keepMappedDays(keeping, known, `stream-${job % 2}`, { [dateOf(job)]: [[0, 7200]] }, NOW);
      }),
    );
    const known = await readLearnedZone(stores[0]!, user_id);
    const mapped = Object.values(known.mapped ?? {}).flatMap((byDate) => Object.keys(byDate));
    const all = Array.from({ length: JOBS }, (_, job) => job);
    expect(mapped.sort()).toEqual(all.filter((job) => job % 3 !== 0).map(dateOf));
    expect(Object.keys(known.days).sort()).toEqual(all.filter((job) => job % 3 === 0).map(dateOf));
  });

  it("a day mapped while another job learns its offset is handed back for a re-read, whichever is kept first", async () => {
    const users = await Promise.all(Array.from({ length: JOBS }, () => stores[0]!.createConnection({ provider: "X" })));
    const stale = new Map<string, StaleDate[]>();
    await Promise.all(
      users.flatMap(({ user_id }, index) => {
        const keeping = (job: number) => ({
          cursors: storeFor(job),
          userId: user_id,
          onStale: async (dates: readonly StaleDate[]) => void stale.set(user_id, [...(stale.get(user_id) ?? []), ...dates]),
        });
        const date = dateOf(index);
        return [
          // A pull mapped the day knowing no offset (read at UTC)…
          readLearnedZone(stores[0]!, user_id).then((known) => keepMappedDays(keeping(index), known, "days", { [date]: [[0, 0]] }, NOW)),
          // …while a push taught the day's +02:00.
          learnZoneFrom(keeping(index + 1), { zone: "+02:00", offsets: [{ localAsUtcMs: Date.parse(`${date}T09:00:00Z`), offsetSeconds: 7200 }] }, NOW),
        ];
      }),
    );
    for (const [index, { user_id }] of users.entries()) {
      expect(stale.get(user_id), user_id).toEqual([{ stream: "days", date: dateOf(index), from: [0], to: [7200] }]);
      expect(await readLearnedZone(stores[0]!, user_id)).toEqual({
        zone: "+02:00",
        days: { [dateOf(index)]: [7200, 540] },
        mapped: { days: { [dateOf(index)]: [[0, 0]] } },
      });
    }
  });

  it("a stream's checkpoint ends at the newest any job saw", async () => {
    const { user_id } = await stores[0]!.createConnection({ provider: "X" });
    const newest = Array.from({ length: JOBS }, (_, job) => Date.parse("2026-04-01T00:00:00Z") + ((job * 7) % JOBS) * 3_600_000);
    await Promise.all(newest.map((ms, job) => advanceCheckpoint(storeFor(job), user_id, "activities", ms)));
    expect(await readCheckpoint(stores[0]!, user_id, "activities")).toBe(Math.max(...newest));
  });
});
