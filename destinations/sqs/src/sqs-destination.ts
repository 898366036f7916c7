import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ErrorCodes, UserError, lookupPayloadStore, payloadPointer, type Delivery, type Destination, type DestinationContext } from "@tributary/core/contracts";
import { DEFAULT_MAX_INLINE_BYTES, type SqsOptions } from "./options.ts";
import { fifoFields, messageAttributes, messageBody, messageBytes, type OutgoingMessage } from "./outgoing-message.ts";
import { planBatches } from "./plan-batches.ts";
import { sqsError } from "./sqs-errors.ts";

/** The region inside an AWS queue URL (`sqs.<region>.amazonaws.com`, legacy `<region>.queue.amazonaws.com`). */
export function regionFromQueueUrl(queueUrl: string): string | undefined {
  const host = URL.canParse(queueUrl) ? new URL(queueUrl).hostname : "";
  return /^sqs[.-]([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(host)?.[1] ?? /^([a-z]{2}(?:-[a-z]+)+-\d+)\.queue\./.exec(host)?.[1];
}

export function createSqsDestination(options: SqsOptions, ctx: DestinationContext): Destination {
  const { queueUrl } = options;
  const fifo = new URL(queueUrl).pathname.endsWith(".fifo");
  const maxInlineBytes = options.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES;
  const region = options.region ?? regionFromQueueUrl(queueUrl) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  let client: SQSClient | undefined;

  const sqs = () =>
    (client ??= new SQSClient({
      region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.accessKeyId && options.secretAccessKey
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
    }));

  /** A request that, once `signal` is aborted (Tributary gave up on the write), stops and rejects with its reason. */
  const call = async <T>(request: (sqs: SQSClient) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    try {
      return await request(sqs());
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw sqsError(error, queueUrl);
    }
  };

  const payloadStore = () => (options.payloadStore ? lookupPayloadStore(ctx, options.payloadStore) : undefined);

  /** The payload itself when it fits, else an `s3_payload` pointer to a copy parked in the payload store. */
  const toMessage = async (delivery: Delivery): Promise<OutgoingMessage> => {
    const attributes = messageAttributes(delivery);
    const fifoPart = fifo ? fifoFields(delivery) : {};
    let body = messageBody(delivery.payload);
    let bytes = messageBytes(body, attributes);
    if (bytes > maxInlineBytes) {
      const store = payloadStore();
      if (!store) {
        throw new UserError(
          ErrorCodes.DESTINATION_CONFIG,
          `A ${delivery.payload.type} payload of ${bytes} bytes exceeds the ${maxInlineBytes}-byte SQS message limit`,
          {
            hint: "Set payloadStore to an s3 destination so large payloads go out as s3_payload pointers.",
            details: { traceId: delivery.traceId, bytes, maxInlineBytes },
          },
        );
      }
      const stored = await store.storePayload(delivery);
      body = messageBody(payloadPointer(stored, delivery.traceId));
      bytes = messageBytes(body, attributes);
    }
    return { body, attributes, bytes, ...fifoPart };
  };

  const send = async (messages: readonly OutgoingMessage[], signal?: AbortSignal) => {
    const result = await call(
      (sqs) =>
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((message, index) => ({
              Id: String(index),
              MessageBody: message.body,
              MessageAttributes: message.attributes,
              ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
              ...(message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
            })),
          }),
          { abortSignal: signal },
        ),
      signal,
    );
    const failed = result.Failed ?? [];
    if (failed.length > 0) {
      // A retry resends the whole batch: on a FIFO queue the deduplication ids drop the ones that went through,
      // on a standard queue (at-least-once anyway) consumers see them twice.
      const first = failed[0];
      const senderFault = failed.every((f) => f.SenderFault);
      throw sqsError(
        {
          name: first?.Code,
          message: `${failed.length} of ${messages.length} messages failed, first: ${first?.Message ?? first?.Code}`,
          $fault: senderFault ? "client" : "server",
          $metadata: { httpStatusCode: senderFault ? 400 : 500 },
        },
        queueUrl,
      );
    }
  };

  return {
    name: ctx.name,
    type: "sqs",

    async write(batch, writeOptions) {
      const signal = writeOptions?.signal;
      const messages = await Promise.all(batch.map(toMessage));
      // Sequential batches keep the delivery order, which a FIFO queue then preserves per user; given up on,
      // the batch under way stops and no further batch is sent.
      for (const entries of planBatches(messages, maxInlineBytes)) {
        signal?.throwIfAborted();
        await send(entries, signal);
      }
    },

    async delete() {
      // A queue cannot erase what consumers already received, and SQS cannot delete single messages it has
      // not handed out. The `deauth` event, delivered as a message like any other, tells consumers to erase.
    },

    async check() {
      payloadStore();
      await call((sqs) => sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] })));
    },

    async close() {
      client?.destroy();
      client = undefined;
    },
  };
}
