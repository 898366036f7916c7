import { randomUUID } from "node:crypto";
import {
  defineDestination,
  lookupPayloadStore,
  payloadPointer,
  payloadRecords,
  type Delivery,
  type Destination,
  type DestinationContext,
  type ParkedPayload,
} from "@tributary/core/contracts";
import { encodeActivityFit, FIT_MEDIA_TYPE } from "@tributary/fit";
import type { Activity } from "@tributary/schemas";
import { webhookOptionsSchema, type WebhookOptions } from "./options.ts";
import { createHttpPoster } from "./http-post.ts";
import { postSigned, probeReceiver, type PostVariant } from "./post-signed.ts";

export type { WebhookOptions };

function createWebhookDestination(options: WebhookOptions, ctx: DestinationContext): Destination {
  const maxBytes = options.maxPayloadBytes ?? 5 * 1024 * 1024;
  const format = ctx.format ?? "terra";
  const poster = createHttpPoster();

  const payloadStore = () => lookupPayloadStore(ctx, options.payloadStore ?? "");
  const pointer = (stored: ParkedPayload, reference: string) => JSON.stringify(payloadPointer(stored, reference));

  const bodyFor = async (delivery: Delivery): Promise<string | Buffer> => {
    const body = delivery.body ?? JSON.stringify(delivery.payload);
    if (Buffer.byteLength(body) <= maxBytes || !options.payloadStore) return body;
    return pointer(await payloadStore().storePayload(delivery), delivery.traceId);
  };

  /**
   * Each activity of the payload as its FIT file, one POST each, signed over the file's bytes; with the
   * user, provider and summary id in headers, since a FIT file names none of them. A file over
   * maxPayloadBytes is parked in the payload store and posted as an `s3_payload` pointer instead.
   * Under `both` the files are companions of the JSON payload, which is what a Terra app counts: their
   * reference goes in `x-tributary-reference`, not `terra-reference`.
   */
  const postFitFiles = async (delivery: Delivery, signal?: AbortSignal) => {
    const user = (delivery.payload.user ?? {}) as { user_id?: unknown; provider?: unknown; reference_id?: unknown };
    const referenceHeader = format === "both" ? COMPANION_REFERENCE_HEADER : undefined;
    for (const [index, { record, key }] of payloadRecords(delivery.payload).entries()) {
      const fit = Buffer.from(encodeActivityFit(record as Activity));
      const traceId = fitTraceId(delivery, index);
      const headers: Record<string, string> = {
        "x-tributary-format": "fit",
        "x-tributary-user-id": headerValue(key.userId),
        "x-tributary-summary-id": headerValue(key.key),
        ...(typeof user.provider === "string" ? { "x-tributary-provider": headerValue(user.provider) } : {}),
        ...(typeof user.reference_id === "string" && user.reference_id ? { "x-tributary-reference-id": headerValue(user.reference_id) } : {}),
      };
      const variant: PostVariant = {
        contentType: FIT_MEDIA_TYPE,
        traceId,
        headers: { ...headers, "content-disposition": `attachment; filename="${fileName(key.key)}.fit"` },
        ...(referenceHeader ? { referenceHeader } : {}),
      };
      if (fit.length > maxBytes && options.payloadStore) {
        const stored = await payloadStore().storePayload(delivery, { name: `${fileName(key.key)}.fit`, body: fit, contentType: FIT_MEDIA_TYPE });
        await postSigned(
          poster,
          options,
          delivery,
          pointer(stored, traceId),
          { contentType: "application/json", traceId, headers, ...(referenceHeader ? { referenceHeader } : {}) },
          signal,
        );
      } else {
        await postSigned(poster, options, delivery, fit, variant, signal);
      }
    }
  };

  /**
   * Under `fit`, a payload without activities standing in for one that had some (a large request's chunk
   * whose user paused or disconnected): one JSON post per file it replaces, under that file's trace id, so
   * the app counts as many as were announced and a file that did go out before is the same payload again.
   */
  const postStandIns = async (delivery: Delivery, files: number, signal?: AbortSignal) => {
    const body = await bodyFor(delivery);
    for (let index = 0; index < files; index++) {
      await postSigned(poster, options, delivery, body, { contentType: "application/json", traceId: fitTraceId(delivery, index), headers: {} }, signal);
    }
  };

  return {
    name: ctx.name,
    type: "webhook",
    async write(batch, writeOptions) {
      // One POST per payload (and per FIT file), in order: receivers rely on the ordering timestamp but many
      // process serially. Given up on (the signal), the POST under way stops and no further one starts.
      const signal = writeOptions?.signal;
      for (const delivery of batch) {
        const activity = format !== "terra" && delivery.payload.type === "activity";
        const fit = activity && payloadRecords(delivery.payload).length > 0;
        if (!fit && activity && format === "fit" && delivery.standsInFor) await postStandIns(delivery, delivery.standsInFor, signal);
        // With format fit an activity payload without activities (an on-demand request's empty answer) is
        // still sent as JSON: it is the receiver's only sign that the request is done.
        else if (!fit || format === "both") await postSigned(poster, options, delivery, await bodyFor(delivery), undefined, signal);
        if (fit) await postFitFiles(delivery, signal);
      }
    },
    referencedMessages(type, records) {
      // Under `fit` the app gets one file per activity, each with the reference; under `both` the JSON payload
      // alone carries it (the files are its companions).
      return format === "fit" && type === "activity" && records > 0 ? records : 1;
    },
    async delete() {
      // The receiver owns what it received; the `deauth` event delivered to it is its signal to erase.
    },
    async check(checkOptions) {
      // Without --write-test nothing is delivered: a HEAD shows the receiver answers.
      if (!checkOptions?.write) return probeReceiver(poster, options);
      const payload = { type: "healthcheck", status: "success", creation_timestamp: new Date().toISOString(), trend_percentage: 0, sent_webhooks_last_hour: 0 };
      await postSigned(poster, options, { payload, traceId: randomUUID(), orderingTimestamp: Date.now() }, JSON.stringify(payload));
    },
    async close() {
      poster.close();
    },
  };
}

/** Where a FIT companion of a JSON payload (format `both`) carries the request's reference: not counted as a payload. */
const COMPANION_REFERENCE_HEADER = "x-tributary-reference";

/** The trace id of a payload's `index`th FIT file (and of what stands in for it). */
const fitTraceId = (delivery: Delivery, index: number) => `${delivery.traceId}-fit-${index}`;

/** Header values are visible ASCII: anything else (an id with accents) goes percent-encoded. */
function headerValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[^\x20-\x7e]/g, "?");
  }
}

/** A summary id as a file name: letters, digits, `.`, `_` and `-` kept, the rest `_`. */
function fileName(summaryId: string): string {
  return summaryId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 120) || "activity";
}

export default defineDestination<WebhookOptions>({
  name: "webhook",
  formats: ["terra", "fit", "both"],
  optionsSchema: webhookOptionsSchema,
  secretOptions: ["signingSecret", "headers"],
  create: createWebhookDestination,
});
