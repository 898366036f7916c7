import { createServer, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { Destination } from "@tributary/core/contracts";
import { TributaryError } from "@tributary/core/contracts";
import { activityRecord, dailyRecord, dataPayload, delivery, testUser } from "./payloads.ts";
import { until } from "./until.ts";

/** One stored record as the destination holds it, read back by the harness from the real service. */
export interface StoredRecord {
  /** "activity", "daily", … or a lifecycle event type. */
  type: string;
  /** The natural key (summary_id, YYYY-MM-DD, user id, …) the destination stored it under. */
  key: string;
  /** The record (data object or athlete) as stored. */
  record: Record<string, unknown>;
}

export interface DestinationHarness {
  /** A fresh destination writing to unique names (table prefix, bucket, collection …). */
  create(): Destination | Promise<Destination>;
  /** A destination whose credentials are wrong (or whose server refuses them). */
  createWithBadCredentials(): Destination | Promise<Destination>;
  /**
   * What `createWithBadCredentials` really gets refused for, when it is not the credentials (an emulator
   * that accepts any key refuses a missing bucket instead): the test's name says it. @default "bad credentials"
   */
  refusedFor?: string;
  /** A destination whose server is at `origin` (http://127.0.0.1:<port>): the lazy-connect test counts connections there. */
  createAt(origin: { host: string; port: number; url: string }): Destination | Promise<Destination>;
  /** Read back every data record the destination holds for a user, from the real service. */
  readRecords(destination: Destination, userId: string): Promise<StoredRecord[]>;
  /** Stored lifecycle events for a user (auth, deauth …); omit when the destination has no event store. */
  readEvents?(destination: Destination, userId: string): Promise<StoredRecord[]>;
  /**
   * False for destinations that do not hold data (a webhook receiver owns what it received; the `deauth`
   * event tells it to erase). @default true
   */
  holdsData?: boolean;
  /** Drop whatever `create` made. */
  cleanup?(destination: Destination): Promise<void>;
}

const dataOnly = (records: StoredRecord[]) => records.filter((r) => r.type === "activity" || r.type === "daily");

/**
 * The behaviour every destination promises, run against its real server or emulator: idempotent upserts
 * by natural key, newer-wins, deauth erasure, clear non-retryable errors on bad credentials, concurrency,
 * lazy connect and idempotent close.
 */
export function testDestination(label: string, harness: DestinationHarness): void {
  describe(`${label}: destination conformance`, () => {
    const opened: Destination[] = [];
    const open = async () => {
      const destination = await harness.create();
      opened.push(destination);
      return destination;
    };

    afterAll(async () => {
      for (const destination of opened) {
        await harness.cleanup?.(destination);
        await destination.close();
      }
    });

    it("passes check(), read-only and with write", async () => {
      const destination = await open();
      await expect(destination.check()).resolves.toBeUndefined();
      await expect(destination.check({ write: true })).resolves.toBeUndefined();
    });

    it("writing the same payload twice stores one record per natural key", async () => {
      const destination = await open();
      const user = testUser();
      const payload = dataPayload("activity", user, [
        activityRecord("run-1", "2026-11-02T07:00:00.000000+00:00"),
        activityRecord("run-2", "2026-11-03T07:00:00.000000+00:00"),
      ]);
      const first = delivery(payload);
      await destination.write([first]);
      await destination.write([first]);
      await destination.write([delivery(payload)]);
      const stored = dataOnly(await harness.readRecords(destination, user.user_id));
      expect(stored.map((r) => r.key).sort()).toEqual(["run-1", "run-2"]);
    });

    it("a newer payload overwrites an older one", async () => {
      const destination = await open();
      const user = testUser();
      await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 1000)]), { orderingTimestamp: 1 })]);
      await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 9000)]), { orderingTimestamp: 2 })]);
      const stored = dataOnly(await harness.readRecords(destination, user.user_id));
      expect(stored).toHaveLength(1);
      expect(stored[0]?.key).toBe("2026-11-04");
      expect((stored[0]!.record.distance_data as { steps: number }).steps).toBe(9000);
    });

    // A destination that holds no data has nothing to erase: its receiver acts on the deauth event.
    it.skipIf(harness.holdsData === false)("delete(user) erases that user's data and only theirs", async () => {
      const destination = await open();
      const gone = testUser();
      const kept = testUser();
      await destination.write([
        delivery(dataPayload("activity", gone, [activityRecord("a", "2026-11-05T07:00:00.000000+00:00")])),
        delivery(dataPayload("activity", kept, [activityRecord("b", "2026-11-05T07:00:00.000000+00:00")])),
      ]);
      await destination.delete(gone);
      expect(dataOnly(await harness.readRecords(destination, gone.user_id))).toEqual([]);
      expect(dataOnly(await harness.readRecords(destination, kept.user_id))).toHaveLength(1);
    });

    it("concurrent writes of overlapping keys stay consistent", async () => {
      const destination = await open();
      const user = testUser();
      const writes = Array.from({ length: 8 }, (_, i) =>
        destination.write([
          delivery(
            dataPayload("activity", user, [
              activityRecord("shared", "2026-11-06T07:00:00.000000+00:00", { calories_data: { total_burned_calories: i } }),
              activityRecord(`own-${i}`, "2026-11-06T09:00:00.000000+00:00"),
            ]),
          ),
        ]),
      );
      await Promise.all(writes);
      const keys = dataOnly(await harness.readRecords(destination, user.user_id)).map((r) => r.key);
      expect(keys.sort()).toEqual(["own-0", "own-1", "own-2", "own-3", "own-4", "own-5", "own-6", "own-7", "shared"]);
    });

    it(`${harness.refusedFor ?? "bad credentials"} give(s) a clear, non-retryable error`, async () => {
      const destination = await harness.createWithBadCredentials();
      try {
        // With write: a webhook receiver only refuses a wrong signing secret on a delivery.
        const checked = await destination.check({ write: true }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(checked).toBeInstanceOf(TributaryError);
        expect((checked as TributaryError).errorClass).toBe("user");
        expect((checked as TributaryError).message.length).toBeGreaterThan(10);
        const written = await destination.write([delivery(dataPayload("daily", testUser(), [dailyRecord("2026-11-07", 1)]))]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(written).toBeInstanceOf(TributaryError);
        expect((written as TributaryError).errorClass).toBe("user");
      } finally {
        await destination.close();
      }
    });

    it("connects lazily and closes idempotently, even unused", async () => {
      const counter = await countingServer();
      try {
        const unused = await harness.createAt(counter.origin);
        // Anything eager (a pool warming up, a DNS lookup then a connect) would have reached it by now.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await unused.close();
        await unused.close();
        expect(counter.connections(), "connections made by a destination nobody used").toBe(0);
        // The probe does see connections: a check at the same place makes one.
        const used = await harness.createAt(counter.origin);
        // Some clients retry a refused connection for long (gRPC): the first attempt is all this needs, however
        // long a busy machine takes to load the client and make it.
        let checked = false;
        void used
          .check()
          .catch(() => undefined)
          .finally(() => {
            checked = true;
          });
        await until("the check's first connection (or its end)", async () => (checked || counter.connections() > 0 ? true : undefined), 30_000);
        await used.close();
        await used.close();
        expect(counter.connections()).toBeGreaterThan(0);
      } finally {
        await counter.close();
      }
      const real = await open();
      await real.check();
      await real.close();
      await real.close();
    });
  });
}

/** A TCP server that counts connections and answers none of them (each is closed at once). */
async function countingServer(): Promise<{ origin: { host: string; port: number; url: string }; connections(): number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: { host: "127.0.0.1", port, url: `http://127.0.0.1:${port}` },
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
