import type { JobsOptions } from "bullmq";
import type { DeliveryPayload } from "../contracts/destination.ts";
import { payloadUserId } from "../contracts/natural-key.ts";
import { jobId } from "../queue/job-id.ts";
import type { DeliverJobData } from "../queue/topology.ts";
import { deliveryBodies } from "./delivery-bodies.ts";
import type { RuntimeContext } from "./runtime-context.ts";

export interface EmitOptions {
  traceId: string;
  /**
   * The developer (dev-id) whose user the payload is about: only that developer's destinations receive it.
   * Null for a connection from before developer accounts, which belongs to the default developer.
   */
  developer: string | null;
  /** The payload already serialized (JSON of `payload`), when the caller has it. */
  body?: string;
  reference?: string;
  orderingTimestamp?: number;
  priority?: number;
  /** Erase this user's data at each destination before delivering the payload (deauth). */
  eraseUser?: DeliverJobData["eraseUser"];
  /** With `eraseUser`: erase only, deliver nothing. */
  eraseOnly?: boolean;
  /** Run the deliveries no sooner than this from now. */
  delayMs?: number;
  /** The payload is one merged record at this version (see `merged-record-versions.ts`). */
  merged?: DeliverJobData["merged"];
  /** A large request's announcement or one of the payloads it counted (see `counted-payloads.ts`). */
  counted?: boolean;
  /**
   * Where the body is stored when not under the trace id: one payload that reaches destinations in
   * different versions (a large request's announcement, whose count is each destination's own).
   */
  bodyId?: string;
}

/** A payload already serialized: its bytes, and the two facts routing needs from it. */
export interface EncodedPayload {
  type: string;
  userId?: string;
  body: string;
  /** How many records its `data` holds (what a destination's count of messages per payload depends on). */
  records?: number;
}

/** A payload whose body is stored for its destinations; `enqueueDeliveries` sends it on its way. */
export interface StoredPayload {
  type: string;
  userId?: string;
  options: EmitOptions;
  orderingTimestamp: number;
  targets: Array<{ name: string; subscribed: boolean }>;
  /** Records in its `data` (0 for an event that carries none). */
  records: number;
}

/** What emitting needs of the runtime: the destinations, the queues and Redis (delivery bodies). */
export type EmitContext = Pick<RuntimeContext, "destinations" | "queues" | "redis" | "policy" | "defaultDeveloper">;

/**
 * Fan a payload out: one deliver job per destination of the payload's developer that receives its type,
 * so a slow or broken destination never holds up the others and no developer receives another's data. The serialized payload is stored once (`DeliveryBodies`) and the
 * jobs point at it. The job id makes re-emitting the same trace id a no-op while the earlier job is still
 * known to BullMQ.
 */
export async function emitPayload(ctx: EmitContext, payload: DeliveryPayload, options: EmitOptions): Promise<number> {
  const userId = payloadUserId(payload);
  const serialized: EncodedPayload = { type: payload.type, body: options.body ?? JSON.stringify(payload), ...(userId ? { userId } : {}) };
  return enqueueDeliveries(ctx, await storePayload(ctx, serialized, options));
}

/**
 * The first half of `emitPayload`: store the body for the destinations that receive its type. Kept apart
 * for payloads that must wait for an announcement (the chunks of a large request) without being held in
 * memory meanwhile.
 */
export async function storePayload(
  ctx: EmitContext,
  payload: EncodedPayload,
  options: EmitOptions,
  targets: StoredPayload["targets"] = payloadTargets(ctx, payload.type, options),
): Promise<StoredPayload> {
  const readers = targets.filter((target) => target.subscribed).map((target) => target.name);
  if (readers.length > 0) await deliveryBodies(ctx).put(options.bodyId ?? options.traceId, payload.body, readers);
  return {
    type: payload.type,
    ...(payload.userId ? { userId: payload.userId } : {}),
    options,
    orderingTimestamp: options.orderingTimestamp ?? Date.now(),
    targets,
    records: payload.records ?? 0,
  };
}

/** The destinations of the payload's developer that receive its type (`subscribed`), or only erase (a deauth's). */
export function payloadTargets(ctx: Pick<EmitContext, "destinations" | "defaultDeveloper">, type: string, options: EmitOptions): StoredPayload["targets"] {
  const owner = options.developer ?? ctx.defaultDeveloper;
  const targets: StoredPayload["targets"] = [];
  for (const [name, active] of ctx.destinations) {
    if (active.developer !== undefined && active.developer !== owner) continue;
    const subscribed = !options.eraseOnly && (!active.events || active.events.has(type));
    if (subscribed || options.eraseUser) targets.push({ name, subscribed });
  }
  return targets;
}

/** The second half of `emitPayload`: one deliver job per target; resolves with how many. */
export async function enqueueDeliveries(ctx: EmitContext, stored: StoredPayload): Promise<number> {
  const { options, targets } = stored;
  await Promise.all(
    targets.map(({ name, subscribed }) => {
      const data: DeliverJobData = {
        destination: name,
        traceId: options.traceId,
        reference: options.reference,
        orderingTimestamp: stored.orderingTimestamp,
        eventType: stored.type,
        ...(subscribed ? { bodyRef: options.bodyId ?? options.traceId } : { eraseOnly: true }),
        ...(stored.userId ? { userId: stored.userId } : {}),
        ...(options.eraseUser ? { eraseUser: options.eraseUser } : {}),
        ...(options.merged && subscribed ? { merged: options.merged } : {}),
        ...(options.counted && subscribed ? { counted: true } : {}),
      };
      const opts: JobsOptions = {
        jobId: jobId(options.traceId, name),
        attempts: ctx.policy.attempts,
        backoff: { type: "delivery" },
        ...(options.priority ? { priority: options.priority } : {}),
        ...(options.delayMs ? { delay: options.delayMs } : {}),
      };
      return ctx.queues.deliverTo(name).add(stored.type, data, opts);
    }),
  );
  return targets.length;
}
