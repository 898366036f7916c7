import { afterAll, beforeAll } from "vitest";
import { testDestination } from "@tributary/test-kit";
import { startAwsEmulator, type AwsEmulator } from "@tributary/test-kit/emulators";
import { S3Reader, bucketFor, createS3Destination } from "./s3-harness.ts";

let emulator: AwsEmulator;
let reader: S3Reader;

beforeAll(async () => {
  emulator = await startAwsEmulator();
  reader = new S3Reader(emulator);
});

afterAll(async () => {
  reader?.client.destroy();
  await emulator?.stop();
});

testDestination("s3", {
  create: () => createS3Destination(emulator),
  // The emulator refuses an access key it does not know, as S3 does; it checks no secret.
  refusedFor: "an unknown access key",
  createAt: (origin) => createS3Destination(emulator, { bucket: "no-such-bucket", endpoint: origin.url }),
  createWithBadCredentials: () => createS3Destination(emulator, { accessKeyId: "AKIAWRONG", secretAccessKey: "wrong-secret" }),
  readRecords: (destination, userId) => reader.records(bucketFor(destination), userId),
});
