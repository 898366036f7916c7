import { afterAll, beforeAll } from "vitest";
import { testDestination } from "@tributary/test-kit";
import { startAwsEmulator, type AwsEmulator } from "@tributary/test-kit/emulators";
import { QueueConsumer } from "./queue-consumer.ts";
import { createSqsDestination, queueFor } from "./sqs-harness.ts";

let emulator: AwsEmulator;
let consumer: QueueConsumer;

beforeAll(async () => {
  emulator = await startAwsEmulator();
  consumer = new QueueConsumer(emulator);
});

afterAll(async () => {
  consumer?.client.destroy();
  await emulator?.stop();
});

for (const fifo of [false, true]) {
  testDestination(`sqs (${fifo ? "FIFO" : "standard"} queue)`, {
    create: () => createSqsDestination(emulator, { fifo }),
    // The emulator refuses an access key it does not know, as SQS does; it checks no secret.
    refusedFor: "an unknown access key",
    createAt: (origin) => createSqsDestination(emulator, { queueUrl: `${origin.url}/000000000000/nowhere${fifo ? ".fifo" : ""}`, endpoint: origin.url, fifo }),
    createWithBadCredentials: () => createSqsDestination(emulator, { fifo, accessKeyId: "AKIAWRONG", secretAccessKey: "wrong-secret" }),
    // Records as a consumer holds them after upserting each received payload by natural key.
    readRecords: (destination, userId) => consumer.records(queueFor(destination), userId),
    // A queue holds messages in flight, not a user's data: consumers erase on the `deauth` message.
    holdsData: false,
  });
}
