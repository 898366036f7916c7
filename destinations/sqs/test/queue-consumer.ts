import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { payloadRecords, type DeliveryPayload } from "@tributary/core/contracts";
import type { StoredRecord } from "@tributary/test-kit";
import type { AwsEmulator } from "@tributary/test-kit/emulators";

export interface ReceivedPayload {
  message: Message;
  /** The payload, fetched through the pre-signed URL when the message was an `s3_payload` pointer. */
  payload: DeliveryPayload;
  orderingTimestamp: number;
}

/**
 * Reads a queue the way a consumer does: receive, delete, follow `s3_payload` pointers. What it received
 * stays in memory per queue, so reading twice sees everything delivered so far.
 */
export class QueueConsumer {
  readonly client: SQSClient;
  private readonly received = new Map<string, Message[]>();

  constructor(emulator: AwsEmulator) {
    this.client = new SQSClient({ endpoint: emulator.endpoint, region: emulator.region, credentials: emulator.credentials });
  }

  close(): void {
    this.client.destroy();
  }

  async drain(queueUrl: string): Promise<Message[]> {
    const log = this.received.get(queueUrl) ?? [];
    this.received.set(queueUrl, log);
    for (;;) {
      const { Messages: messages = [] } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 30,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["All"],
        }),
      );
      if (messages.length === 0) return log;
      log.push(...messages);
      await this.client.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }),
      );
    }
  }

  async payloads(queueUrl: string): Promise<ReceivedPayload[]> {
    const received: ReceivedPayload[] = [];
    for (const message of await this.drain(queueUrl)) {
      let payload = JSON.parse(message.Body ?? "null") as DeliveryPayload;
      if (payload.type === "s3_payload") payload = (await (await fetch(String(payload.url))).json()) as DeliveryPayload;
      received.push({ message, payload, orderingTimestamp: Number(message.MessageAttributes?.ordering_timestamp?.StringValue) });
    }
    return received;
  }

  /**
   * What a consumer that upserts by natural key ends up holding for a user: for a queue, "writing twice gives
   * one record" means the consumer's upsert collapses redeliveries (a standard queue is at-least-once; a FIFO
   * queue also drops a retried delivery with the same trace id), and the newest ordering timestamp wins.
   */
  async records(queueUrl: string, userId: string): Promise<StoredRecord[]> {
    const latest = new Map<string, { record: StoredRecord; at: number }>();
    for (const { payload, orderingTimestamp } of await this.payloads(queueUrl)) {
      for (const { record, key } of payloadRecords(payload)) {
        if (key.userId !== userId) continue;
        const id = `${key.type}\u0000${key.key}`;
        const seen = latest.get(id);
        if (!seen || seen.at <= orderingTimestamp) latest.set(id, { record: { type: key.type, key: key.key, record }, at: orderingTimestamp });
      }
    }
    return [...latest.values()].map((entry) => entry.record);
  }
}
