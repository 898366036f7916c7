import { afterAll, beforeAll } from "vitest";
import { testDestination } from "@tributary/test-kit";
import { startAwsEmulator, type AwsEmulator } from "@tributary/test-kit/emulators";
import { randomUUID } from "node:crypto";
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
  // fauxqs accepts any credentials, so the definite refusal here is a bucket that does not exist (S3 answers
  // NoSuchBucket / 404 before it would look at a policy); wrong keys ride along for realism.
  refusedFor: "a missing bucket (the emulator accepts any credentials)",
  createAt: (origin) => createS3Destination(emulator, { bucket: "no-such-bucket", endpoint: origin.url }),
  createWithBadCredentials: () =>
    createS3Destination(emulator, { bucket: `missing-${randomUUID()}`, accessKeyId: "AKIAWRONG", secretAccessKey: "wrong-secret" }),
  readRecords: (destination, userId) => reader.records(bucketFor(destination), userId),
});
