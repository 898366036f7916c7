import { withTimeout } from "../../util/with-timeout.ts";
import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { ErrorCodes } from "../../errors/codes.ts";
import { errorClassOf, operatorMessage, TransientError, UserError } from "../../errors/tributary-error.ts";
import type { DeliverJobData, MergedRecordRef } from "../../queue/topology.ts";
import { recordDeliveryOutcome } from "../delivery-audit.ts";
import type { RuntimeContext } from "../runtime-context.ts";
import type { Delivery, DeliveryPayload } from "../../contracts/destination.ts";
import { payloadRecords } from "../../contracts/natural-key.ts";
import { isDataType } from "@tributary/schemas";
import { isUserDisconnected, isUserInactive, isUserPausedOnly } from "../inactive-users.ts";
import { userWrites, type UserWrite } from "../user-writes.ts";
import { deliveryBodies } from "../delivery-bodies.ts";
import { unrecoverableIfUserError } from "./unrecoverable.ts";
import { deferJob } from "../defer-job.ts";
import { claimPublication, takeWriteTurn, type TakenTurn, type WriteTurn } from "../merged-record-versions.ts";
import { currentMergedRecord } from "../merged-records.ts";
import { answerOwedPayloads, countedPayloads, standInBody } from "../counted-payloads.ts";
import type { TerraUserObject } from "../envelope.ts";

/**
 * Deliver one payload to one destination. A user-class error (bad credentials, wrong URL) ends the job
 * at once; anything else is rethrown so BullMQ retries it with the delivery backoff. A job that fails
 * for good becomes a dead letter an operator can replay (`deadLetterFailedJob`, for every queue).
 */
export async function processDelivery(ctx: RuntimeContext, job: Job<DeliverJobData>, token?: string): Promise<void> {
  const data = job.data;
  const attempt = job.attemptsMade + 1;
  // The serialized payload, read from the store when the delivery gets that far (erase-only jobs have none).
  let body: Buffer | undefined;
  // Parsed only if a destination needs the object: the webhook sends `body` as it is.
  let parsed: DeliveryPayload | undefined;
  const payload = (): DeliveryPayload => {
    if (body === undefined) throw new UnrecoverableError(`deliver job ${job.id} carries no payload`);
    return (parsed ??= JSON.parse(body.toString("utf8")) as DeliveryPayload);
  };
  const stored = data.bodyRef;
  // Once a delivery is over for good, its reader's share of the stored payload goes.
  const releaseStored = () => (stored ? deliveryBodies(ctx).release(stored, data.destination) : Promise.resolve());
  const { eventType, userId } = data;
  const audit = { traceId: data.traceId, destination: data.destination, eventType, userId, reference: data.reference };
  // A payload a large request counted: the destination no longer owes it once it is made.
  const counted = data.counted && userId && !data.eraseOnly ? countedPayloads(ctx) : undefined;
  // The user's payload being written, noted from before its user is checked until the write settles: the
  // user's deauth job waits for it (`user-writes.ts`), a write given up on at its timeout included.
  let note: UserWrite | undefined;
  let landing: Promise<void> | undefined;
  let abandoned = false;
  let orderingTimestamp = data.orderingTimestamp;
  // A counted payload sent without its records stands in for as many messages as its records made.
  let standsInFor: number | undefined;
  const replaceBody = (text: string, standingIn = false) => {
    if (standingIn) standsInFor = payloadRecords(payload()).length;
    body = Buffer.from(text);
    parsed = undefined;
  };
  try {
    const active = ctx.destinations.get(data.destination);
    if (!active) {
      throw new UserError(ErrorCodes.DESTINATION_CONFIG, `Destination "${data.destination}" is not enabled in this process`, {
        hint: "Enable it in the config (or remove its jobs) and replay the dead letters.",
      });
    }
    if (stored) body = await deliveryBodies(ctx).get(stored);
    if (body === undefined && !data.eraseOnly) {
      if (stored && (await alreadyDelivered(ctx, data))) {
        // Delivered, body released, then the worker died before BullMQ recorded the job as complete.
        ctx.log.info({ traceId: data.traceId, destination: data.destination }, "delivery already made before its worker stopped; nothing left to do");
        return;
      }
      throw stored
        ? new UserError(ErrorCodes.PAYLOAD_MISSING, `The payload of delivery ${data.traceId} is no longer stored (it expired or was removed from Redis)`, {
            hint: "Nothing is left to deliver: request the data again (an on-demand request for its dates) if the destination still needs it.",
          })
        : new UserError(ErrorCodes.PAYLOAD_MISSING, `Deliver job ${job.id} points at no stored payload`, {
            hint: "Deliver jobs are made by Tributary, their payloads stored apart (bodyRef): replay dead letters rather than adding deliver jobs by hand.",
          });
    }
    const timeoutMs = active.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
    // Counted by a large request, sent without its records: the app's count closes, the user's data stays back.
    let standIn = false;
    if (!data.eraseUser && !data.eraseOnly && userId) note = await userWrites(ctx).begin(userId, data.destination);
    if (note && userId && (await withheldUser(ctx, userId, eventType, data.counted === true))) {
      // A paused user's large request still gets its count: the announcement as it is, each chunk without records.
      const paused = data.counted === true && (await isUserPausedOnly(ctx.store, userId));
      const text = paused && isDataType(eventType) ? standInBody(eventType, payload().user as TerraUserObject) : undefined;
      if (!paused || (isDataType(eventType) && text === undefined)) {
        // The user disconnected after this payload was made — a pull or push racing the deauth, a retry or a
        // replayed dead letter from before it: nothing of theirs may reach the destination any more, an event
        // neither (it would follow the `deauth`). (A large request's payloads stay owed: the deauth job answers
        // them, before the `deauth` event.)
        await recordDeliveryOutcome(ctx.store, { ...audit, status: "withheld", attempts: attempt });
        await releaseStored();
        ctx.log.info({ traceId: data.traceId, destination: data.destination, userId }, "payload withheld: its user has disconnected");
        return;
      }
      if (text !== undefined) {
        replaceBody(text, true);
        standIn = true;
      }
    }
    if (data.eraseUser) {
      // A deauth, queued once its user is deactivated: a write of the user's payloads still under way (one
      // given up on at its timeout included) lands first, then the large requests' payloads this destination
      // owes the app, so the deauth stays last. Every later write sees the deactivation and is withheld.
      if ((await userWrites(ctx).underway(data.eraseUser.user_id, data.destination)) > 0) return await waitForWrite(job, token, data.destination);
      const answered = await answerOwedPayloads(
        ctx,
        { name: data.destination, destination: active.destination, write: (work) => writeTimeout(work, timeoutMs, data.destination) },
        data.eraseUser.user_id,
      );
      if (answered > 0)
        ctx.log.info(
          { destination: data.destination, userId: data.eraseUser.user_id, answered },
          "large request payloads sent without records before the deauth",
        );
    }
    let turn: TakenTurn | undefined;
    if (data.merged && userId && !data.eraseOnly && !standIn) {
      // A merged record (a day in parts): written in version order, an older version never after a newer.
      let taken: WriteTurn | undefined = await takeWriteTurn(ctx, userId, data.destination, data.merged);
      if (taken.status === "superseded" && data.counted) {
        // A large request counted it: the app gets the record under the request's reference all the same, at
        // its newest version (what the destination keeps), or without it if no part of it is kept any more.
        const newest = await newestVersion(ctx, userId, data.merged, payload().user as TerraUserObject);
        if (newest) {
          replaceBody(newest.body);
          orderingTimestamp = newest.orderingTimestamp;
          taken = await takeWriteTurn(ctx, userId, data.destination, newest.merged);
          if (taken.status === "superseded") throw newerMeanwhile(data.destination);
        } else {
          // Without records, the payload is no version of the record: it needs no turn.
          replaceBody(standInBody(eventType, payload().user as TerraUserObject) ?? body!.toString(), true);
          taken = undefined;
        }
      }
      if (taken?.status === "superseded") {
        await recordDeliveryOutcome(ctx.store, { ...audit, status: "superseded", attempts: attempt });
        await releaseStored();
        ctx.log.debug({ traceId: data.traceId, destination: data.destination, userId }, "merged record superseded by a newer version; not sent");
        return;
      }
      // Another version of the record is being written to this destination: after it, this one is compared again.
      if (taken?.status === "busy") return await waitForWrite(job, token, data.destination);
      turn = taken;
    }
    // Aborted when the write is given up on: at its timeout, or once its merged record's turn is lost.
    const givenUp = new AbortController();
    const signal = turn ? AbortSignal.any([givenUp.signal, turn.signal]) : givenUp.signal;
    try {
      if (data.eraseUser) await writeTimeout(active.destination.delete(data.eraseUser), timeoutMs, data.destination);
      if (!data.eraseOnly) {
        const delivery: Delivery = {
          get payload() {
            return payload();
          },
          body: body!,
          traceId: data.traceId,
          reference: data.reference,
          orderingTimestamp,
          ...(standsInFor ? { standsInFor } : {}),
        };
        // Renewed right before the write: after a stall of this process the turn may be another version's now.
        if (turn && !(await turn.confirm())) throw turn.signal.reason;
        landing = active.destination.write([delivery], { signal });
        await writeTimeout(landing, timeoutMs, data.destination, givenUp);
      }
    } finally {
      // The turn ends when the write settles: a write given up on may still be running and land, and keeps
      // the record's next version waiting until then — this job does not wait for it.
      abandoned = givenUp.signal.aborted;
      const ended = turn?.endAfter(landing);
      if (abandoned)
        ended?.catch((error: unknown) =>
          ctx.log.warn(
            { destination: data.destination, userId, err: operatorMessage(error) },
            "the write turn of a merged record could not be ended; it expires",
          ),
        );
      else await ended;
    }
    if (counted && userId) await counted.settle(userId, data.destination, [data.traceId]);
    if (standIn)
      ctx.log.info({ traceId: data.traceId, destination: data.destination, userId }, "large request payload sent without records: its user is paused");
    await recordDeliveryOutcome(ctx.store, { ...audit, status: standIn ? "withheld" : "delivered", attempts: attempt });
    await releaseStored();
    ctx.metrics.deliveryLatency.observe({ destination: data.destination }, (Date.now() - data.orderingTimestamp) / 1000);
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    const final = errorClassOf(error) === "user" || attempt >= (job.opts.attempts ?? 1);
    if (final) throw unrecoverableIfUserError(error);
    ctx.metrics.retries.inc({ destination: data.destination });
    ctx.log.warn({ traceId: data.traceId, destination: data.destination, attempt, err: operatorMessage(error) }, "delivery failed; will retry");
    throw error;
  } finally {
    // Not awaited for a write given up on: it ends when that write settles, this job does not wait for it.
    const ended = note
      ?.endAfter(landing)
      .catch((error: unknown) =>
        ctx.log.warn({ destination: data.destination, userId, err: operatorMessage(error) }, "the note of a write under way could not be ended; it expires"),
      );
    if (!abandoned) await ended;
  }
}

/**
 * Whether nothing of this user's may be delivered: data (and a large request's counted payloads) once the
 * user is disconnected or paused — a paused user's counted payloads are sent without records, see above —
 * and any event once the connection is disconnected, so nothing follows its `deauth`.
 */
function withheldUser(ctx: RuntimeContext, userId: string, eventType: string, counted: boolean): Promise<boolean> {
  return isDataType(eventType) || counted ? isUserInactive(ctx.store, userId) : isUserDisconnected(ctx.store, userId);
}

/** Another write this one must not overtake is under way at the destination: this job comes back after it. */
async function waitForWrite(job: Job<DeliverJobData>, token: string | undefined, destination: string): Promise<void> {
  if (token) return deferJob(job, token, BUSY_RECORD_DELAY_MS);
  throw new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `Another write this delivery must follow is under way at "${destination}"`, {
    hint: "Nothing to do: the delivery is retried once that write is over.",
  });
}

const newerMeanwhile = (destination: string) =>
  new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `A newer version of a merged record was published while a delivery to "${destination}" read it`, {
    hint: "Nothing to do: the delivery is retried with the newest version.",
  });

/** A merged record at the version its kept parts have now, claimed for publication (its ordering timestamp). */
async function newestVersion(ctx: RuntimeContext, userId: string, merged: MergedRecordRef, user: TerraUserObject) {
  const current = await currentMergedRecord(ctx, userId, merged.dataType, merged.key, user);
  if (!current) return undefined;
  const claimed = await claimPublication(ctx, userId, current.merged);
  // Kept parts are stored before any version of them is claimed: a newer claim means newer parts meanwhile.
  if (claimed === undefined) throw newerMeanwhile("its destination");
  return { ...current, orderingTimestamp: claimed };
}

/** The audit trail's word on whether this payload reached this destination ("delivered" is never undone). */
async function alreadyDelivered(ctx: RuntimeContext, data: DeliverJobData): Promise<boolean> {
  const [row] = await ctx.store.listDeliveries({ traceId: data.traceId, destination: data.destination, limit: 1 });
  return row?.status === "delivered";
}

/** How soon a delivery that found another version of its record being written looks again. */
const BUSY_RECORD_DELAY_MS = 500;

/** A destination that hangs (firewalled host, stuck driver retries) must not hold a worker slot forever. */
export const DEFAULT_WRITE_TIMEOUT_MS = 30_000;

/** `work` within `ms`, or ERR_DESTINATION_UNAVAILABLE — and `givenUp` aborted with it, to stop the write. */
function writeTimeout<T>(work: Promise<T>, ms: number, destination: string, givenUp?: AbortController): Promise<T> {
  return withTimeout(work, ms, () => {
    const error = new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `Destination "${destination}" did not finish a write within ${ms} ms`, {
      hint: "Check that the destination is reachable; the delivery is retried with backoff.",
    });
    givenUp?.abort(error);
    return error;
  });
}
