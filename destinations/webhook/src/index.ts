import { randomUUID } from "node:crypto";
import {
  defineDestination,
  ErrorCodes,
  UserError,
  type Delivery,
  type Destination,
  type DestinationContext,
} from "@tributary/core/contracts";
import { webhookOptionsSchema, type WebhookOptions } from "./options.ts";
import { createHttpPoster } from "./http-post.ts";
import { postSigned } from "./post-signed.ts";

export type { WebhookOptions };

/** A destination able to park a large payload and hand back a short-lived URL (the s3 destination). */
interface PayloadStore extends Destination {
  storePayload(delivery: Delivery): Promise<{ url: string; expires_in: number }>;
}

function createWebhookDestination(options: WebhookOptions, ctx: DestinationContext): Destination {
  const maxBytes = options.maxPayloadBytes ?? 5 * 1024 * 1024;
  const poster = createHttpPoster();

  const bodyFor = async (delivery: Delivery): Promise<string | Buffer> => {
    const body = delivery.body ?? JSON.stringify(delivery.payload);
    if (Buffer.byteLength(body) <= maxBytes || !options.payloadStore) return body;
    const store = ctx.lookup(options.payloadStore) as PayloadStore | undefined;
    if (!store || typeof store.storePayload !== "function") {
      throw new UserError(ErrorCodes.DESTINATION_CONFIG, `payloadStore "${options.payloadStore}" is not an s3 destination`, {
        hint: "Point payloadStore at the name of an enabled s3 destination.",
      });
    }
    const pointer = await store.storePayload(delivery);
    return JSON.stringify({ type: "s3_payload", status: "success", url: pointer.url, expires_in: pointer.expires_in, payload_reference: delivery.traceId });
  };

  return {
    name: ctx.name,
    type: "webhook",
    async write(batch) {
      // One POST per payload, in order: receivers rely on the ordering timestamp but many process serially.
      for (const delivery of batch) await postSigned(poster, options, delivery, await bodyFor(delivery));
    },
    async delete() {
      // The receiver owns what it received; the `deauth` event delivered to it is its signal to erase.
    },
    async check() {
      const payload = { type: "healthcheck", status: "success", creation_timestamp: new Date().toISOString(), trend_percentage: 0, sent_webhooks_last_hour: 0 };
      await postSigned(poster, options, { payload, traceId: randomUUID(), orderingTimestamp: Date.now() }, JSON.stringify(payload));
    },
    async close() {
      poster.close();
    },
  };
}

export default defineDestination<WebhookOptions>({
  name: "webhook",
  optionsSchema: webhookOptionsSchema,
  secretOptions: ["signingSecret", "headers"],
  create: createWebhookDestination,
});
