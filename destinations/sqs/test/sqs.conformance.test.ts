import { testDestination } from "@tributary/test-kit";
import { emulatorPerFile, startAwsEmulator } from "@tributary/test-kit/emulators";
import { QueueConsumer } from "./queue-consumer.ts";
import { createSqsDestination, queueFor } from "./sqs-harness.ts";

const emulated = emulatorPerFile(startAwsEmulator, (emulator) => new QueueConsumer(emulator));

for (const fifo of [false, true]) {
  testDestination(`sqs (${fifo ? "FIFO" : "standard"} queue)`, {
    create: () => createSqsDestination(emulated.emulator, { fifo }),
    // The emulator refuses an access key it does not know, as SQS does; it checks no secret.
    refusedFor: "an unknown access key",
    createAt: (origin) =>
      createSqsDestination(emulated.emulator, { queueUrl: `${origin.url}/000000000000/nowhere${fifo ? ".fifo" : ""}`, endpoint: origin.url, fifo }),
    createWithBadCredentials: () => createSqsDestination(emulated.emulator, { fifo, accessKeyId: "AKIAWRONG", secretAccessKey: "wrong-secret" }),
    // Records as a consumer holds them after upserting each received payload by natural key.
    readRecords: (destination, userId) => emulated.client.records(queueFor(destination), userId),
    // A queue holds messages in flight, not a user's data: consumers erase on the `deauth` message.
    holdsData: false,
  });
}
