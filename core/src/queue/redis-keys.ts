/// <reference path="./cluster-key-slot.d.ts" />
import calculateSlot from "cluster-key-slot";
import { isCluster, type RedisClient } from "./redis-client.ts";

/**
 * The names of every key Tributary writes, in one place, so that each fits Redis Cluster. A cluster hashes
 * only the part of a key inside its first `{…}` (the hash tag) to pick the slot, and refuses a multi-key
 * command (Lua script, MGET, DEL of several keys) whose keys are in different slots. So the keys one
 * command touches together carry one tag:
 *
 * - each BullMQ queue: `<prefix>:{<queue>}:<queue>:…` (BullMQ's scripts touch many keys of one queue);
 * - each delivery body: `<prefix>:payload:{<id>}` and its readers set `…:readers`;
 * - each rate budget: `<prefix>:budget:{<PROVIDER>[:<clientId>]}…`, per-user windows and blocks included
 *   (one acquire checks the client's and the user's windows at once);
 * - the versions of a user's merged records: `<prefix>:parts:{<userId>}:…` (a delivery compares the version
 *   published with the one its destination got, and takes the record's write lock, at once);
 * - the payloads a large request counted, per user and destination: `<prefix>:counted:{<userId>}:…`, and the
 *   writes of a user's payloads under way: `<prefix>:writes:{<userId>}:…`.
 *
 * Every other key is only ever used alone (refresh locks, replay claims, API limits, the CSRF key, sweep
 * watermarks) and needs no tag. The same names are used on a single Redis, where tags cost nothing: one key
 * layout, tested everywhere, and a deployment can move to a cluster without renaming anything.
 */
export const hashTagged = (value: string): string => `{${value}}`;

/** BullMQ's key prefix for one queue: all its keys in one slot, different queues spread over the cluster. */
export const queueKeyPrefix = (prefix: string, queue: string): string => `${prefix}:${hashTagged(queue)}`;

/** A delivery body and the set of destinations still to read it (one slot: released together). */
export const deliveryBodyKeys = (prefix: string, id: string) => {
  const body = `${prefix}:payload:${hashTagged(id)}`;
  return { body, readers: `${body}:readers` };
};

/** `<prefix>:budget:{<PROVIDER>[:<clientId>]}`: one budget per provider OAuth client, as providers count. */
export function budgetKeyBase(prefix: string, provider: string, clientId?: unknown): string {
  return `${prefix}:budget:${hashTagged(`${provider}${typeof clientId === "string" && clientId !== "" ? `:${clientId}` : ""}`)}`;
}

/**
 * The version of a merged record last published, and per destination the version last delivered and the
 * lock its write holds. The record is named by a digest of its data type and natural key: a key may hold any
 * character, a `}` included.
 */
export function mergedRecordKeys(prefix: string, userId: string, record: string, destination: string) {
  const base = `${prefix}:parts:${hashTagged(userId)}:${record}`;
  return { published: `${base}:published`, delivered: `${base}:delivered:${destination}`, writing: `${base}:writing:${destination}` };
}

/**
 * The payloads a large request's announcement counted that one destination has not yet received (a hash:
 * trace id → what a stand-in needs). Tagged by user like the merged-record keys; used alone.
 */
export function countedPayloadKeys(prefix: string, userId: string, destination: string) {
  return { owed: `${prefix}:counted:${hashTagged(userId)}:${destination}:owed` };
}

/** The writes of one user's payloads to one destination under way now (a sorted set: write → deadline), used alone. */
export const userWritesKey = (prefix: string, userId: string, destination: string): string => `${prefix}:writes:${hashTagged(userId)}:${destination}`;

/** A deauth deactivated its user and has not yet queued its jobs (a call that failed in between is made again), used alone. */
export const deauthPendingKey = (prefix: string, userId: string): string => `${prefix}:deauth-pending:${hashTagged(userId)}`;

/** The cluster slot of a key (0–16383). */
export const keySlot = (key: string): number => calculateSlot(key);

/**
 * Run a batched multi-key operation so that each call stays within one slot: on a cluster the items are
 * grouped by the slot of their key and each group is one call (concurrently; ioredis sends each to its
 * node); on a single Redis the whole batch is one call, as before. Results come back in the items' order.
 */
export async function perSlot<T, R>(redis: RedisClient, items: readonly T[], keyOf: (item: T) => string, run: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  if (!isCluster(redis)) return run([...items]);
  const groups = new Map<number, number[]>();
  items.forEach((item, index) => {
    const slot = keySlot(keyOf(item));
    const group = groups.get(slot);
    if (group) group.push(index);
    else groups.set(slot, [index]);
  });
  const results = new Array<R>(items.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const replies = await run(indexes.map((index) => items[index]!));
      indexes.forEach((index, i) => {
        results[index] = replies[i]!;
      });
    }),
  );
  return results;
}
