import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { Delivery, DeliveryPayload, Destination, DestinationContext } from "./destination.ts";

/** A file to park instead of the payload's JSON (an activity's FIT file for a webhook pointer). */
export interface PayloadFile {
  /** File name, unique within the delivery: e.g. `<summary_id>.fit`. */
  name: string;
  body: Uint8Array;
  contentType: string;
}

/** Where a payload store put a payload: what an `s3_payload` pointer carries. */
export interface ParkedPayload {
  /** Pre-signed GET URL of the stored payload (or file). */
  url: string;
  /** Seconds the URL stays valid. */
  expires_in: number;
}

/**
 * A destination that can park a payload too large to send (or a file) and hand back a short-lived URL to
 * it: the s3 destination. The webhook and sqs destinations send an `s3_payload` pointer to that URL instead.
 */
export interface PayloadStore extends Destination {
  storePayload(delivery: Delivery, file?: PayloadFile): Promise<ParkedPayload>;
}

/**
 * The destination the operator named as `payloadStore`. Looked up when first needed, since destinations are
 * built one by one; anything but an enabled payload store is a config mistake, never retried.
 */
export function lookupPayloadStore(ctx: DestinationContext, name: string): PayloadStore {
  const store = ctx.lookup(name) as Partial<PayloadStore> | undefined;
  if (!store || typeof store.storePayload !== "function") {
    throw new UserError(ErrorCodes.DESTINATION_CONFIG, `payloadStore "${name}" is not an enabled s3 destination`, {
      hint: "Point payloadStore at the instance name of an enabled s3 destination in the same config.",
    });
  }
  return store as PayloadStore;
}

/** Terra's `s3_payload` event: what goes out instead of a payload (or file) parked at `stored`. */
export function payloadPointer(stored: ParkedPayload, reference: string): DeliveryPayload {
  return { type: "s3_payload", status: "success", url: stored.url, expires_in: stored.expires_in, payload_reference: reference };
}
