import { testDestination } from "@tributary/test-kit";
import { emulatorPerFile, startAwsEmulator } from "@tributary/test-kit/emulators";
import { S3Reader, bucketFor, createS3Destination } from "./s3-harness.ts";

const emulated = emulatorPerFile(startAwsEmulator, (emulator) => new S3Reader(emulator));

testDestination("s3", {
  create: () => createS3Destination(emulated.emulator),
  // The emulator refuses an access key it does not know, as S3 does; it checks no secret.
  refusedFor: "an unknown access key",
  createAt: (origin) => createS3Destination(emulated.emulator, { bucket: "no-such-bucket", endpoint: origin.url }),
  createWithBadCredentials: () => createS3Destination(emulated.emulator, { accessKeyId: "AKIAWRONG", secretAccessKey: "wrong-secret" }),
  readRecords: (destination, userId) => emulated.client.records(bucketFor(destination), userId),
});
