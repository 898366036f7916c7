import type { Delivery, Destination } from "../contracts/destination.ts";
import { countedPayloadKeys } from "../queue/redis-keys.ts";
import { deliveryBodies, deliveryBodyTtlSeconds } from "./delivery-bodies.ts";
import type { StoredPayload } from "./emit-payload.ts";
import { serializedDataPayload, type TerraUserObject } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";

/**
 * A payload a large request's `large_request_sending` counted, as one destination still owes it to the app:
 * what a stand-in for it needs (a Terra app counts the payloads of a reference and waits for
 * `expected_payloads` of them, and Terra's spec has no event that says fewer are coming).
 */
export interface OwedPayload {
  traceId: string;
  type: string;
  reference: string;
  orderingTimestamp: number;
  /** The announcement itself: while it is owed, the app was promised nothing yet. */
  announcement: boolean;
  user: TerraUserObject;
  /** Records the payload held: its stand-in makes as many messages as it was counted for (`Delivery.standsInFor`). */
  records?: number;
}

type CountedContext = Pick<RuntimeContext, "redis" | "queues" | "policy">;

/**
 * The payloads of large requests each destination still owes, per user. Noted before the announcement is
 * enqueued and settled once a delivery reached the destination, so a deauth can answer the rest: its job
 * sends a stand-in (the chunk without records) for each, before the `deauth` event, which stays last (a
 * write under way it waits for: `user-writes.ts`). Expires with the longest a delivery can live.
 */
export function countedPayloads(ctx: CountedContext) {
  const keys = (userId: string, destination: string) => countedPayloadKeys(ctx.queues.prefix, userId, destination);
  const ttl = Math.ceil(deliveryBodyTtlSeconds(ctx));
  return {
    async owe(userId: string, destination: string, payloads: readonly OwedPayload[]): Promise<void> {
      if (payloads.length === 0) return;
      const { owed } = keys(userId, destination);
      const fields = payloads.flatMap((payload) => [payload.traceId, JSON.stringify(payload)]);
      await ctx.redis
        .multi()
        .hset(owed, ...fields)
        .expire(owed, ttl)
        .exec();
    },
    async owed(userId: string, destination: string): Promise<OwedPayload[]> {
      const entries = await ctx.redis.hgetall(keys(userId, destination).owed);
      return Object.values(entries).map((text) => JSON.parse(text) as OwedPayload);
    },
    async settle(userId: string, destination: string, traceIds: readonly string[]): Promise<void> {
      if (traceIds.length > 0) await ctx.redis.hdel(keys(userId, destination).owed, ...traceIds);
    },
  };
}

/**
 * Notes what a large request's announcements counted as owed by each destination that receives one (a
 * destination that does not take `large_request_sending` was promised nothing): the announcement and the
 * counted payloads of types it receives. Before any of them is enqueued, so a deauth at any moment finds
 * all of them or none.
 */
export async function oweCountedPayloads(
  ctx: CountedContext,
  request: { userId: string; reference: string; user: TerraUserObject },
  announcements: readonly StoredPayload[],
  counted: readonly StoredPayload[],
): Promise<void> {
  const owed = (stored: StoredPayload, announcement: boolean): OwedPayload => ({
    traceId: stored.options.traceId,
    type: stored.type,
    reference: request.reference,
    orderingTimestamp: stored.orderingTimestamp,
    announcement,
    user: request.user,
    records: stored.records,
  });
  for (const announcement of announcements) {
    for (const target of announcement.targets) {
      if (!target.subscribed) continue;
      const receives = (stored: StoredPayload) => stored.targets.some((other) => other.name === target.name && other.subscribed);
      const payloads = [owed(announcement, true), ...counted.filter(receives).map((stored) => owed(stored, false))];
      await countedPayloads(ctx).owe(request.userId, target.name, payloads);
    }
  }
}

/** Payloads stored and never to be enqueued (a large request whose user disconnected while it read): their bodies go. */
export async function dropStoredPayloads(ctx: CountedContext, stored: readonly StoredPayload[]): Promise<void> {
  for (const payload of stored) {
    for (const target of payload.targets) if (target.subscribed) await deliveryBodies(ctx).release(payload.options.traceId, target.name);
  }
}

/**
 * A counted data payload without its records: what the app gets in place of a chunk whose data it may no
 * longer have (its user disconnected or paused), so its count still closes. Undefined for the athlete,
 * whose payload cannot be empty (and which is never requested by range).
 */
export function standInBody(type: string, user: TerraUserObject): string | undefined {
  return type === "athlete" ? undefined : serializedDataPayload(type, user, []);
}

/**
 * What a deauth job does first at each destination: answer every payload a large request counted and the
 * destination has not received, with a stand-in under the payload's trace id and reference. A request whose
 * announcement was not delivered promised nothing: its payloads are dropped unanswered. Says how many it
 * answered. Called once no write of the user's payloads is under way there (the deauth must not overtake one).
 */
export async function answerOwedPayloads(
  ctx: CountedContext,
  destination: { name: string; destination: Destination; write: (work: Promise<void>) => Promise<void> },
  userId: string,
): Promise<number> {
  const counted = countedPayloads(ctx);
  const owed = await counted.owed(userId, destination.name);
  if (owed.length === 0) return 0;
  const unannounced = new Set(owed.filter((payload) => payload.announcement).map((payload) => payload.reference));
  const answers: Delivery[] = [];
  for (const payload of owed) {
    if (unannounced.has(payload.reference)) continue;
    const body = standInBody(payload.type, payload.user);
    if (body === undefined) continue;
    answers.push({
      get payload() {
        return JSON.parse(body) as Delivery["payload"];
      },
      body: Buffer.from(body),
      traceId: payload.traceId,
      reference: payload.reference,
      orderingTimestamp: payload.orderingTimestamp,
      ...(payload.records ? { standsInFor: payload.records } : {}),
    });
  }
  answers.sort((a, b) => a.orderingTimestamp - b.orderingTimestamp);
  if (answers.length > 0) await destination.write(destination.destination.write(answers));
  await counted.settle(
    userId,
    destination.name,
    owed.map((payload) => payload.traceId),
  );
  return answers.length;
}
