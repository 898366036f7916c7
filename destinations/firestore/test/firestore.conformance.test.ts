import { randomUUID } from "node:crypto";
import { testDestination } from "@tributary/test-kit";
import { emulatorPerFile, startFirestoreEmulator } from "@tributary/test-kit/emulators";
import { FirestoreReader, createFirestoreDestination, rootFor } from "./firestore-harness.ts";

const emulated = emulatorPerFile(startFirestoreEmulator, (emulator) => new FirestoreReader(emulator));

testDestination("firestore", {
  create: () => createFirestoreDestination(emulated.emulator),
  // The emulator checks no credentials (the client sends none to an emulated.emulator); it refuses projects it was not
  // started with, as production Firestore refuses a project the service account cannot use: PERMISSION_DENIED.
  refusedFor: "a project the emulator does not hold (it checks no credentials)",
  createAt: (origin) => createFirestoreDestination(emulated.emulator, { host: `${origin.host}:${origin.port}` }),
  createWithBadCredentials: () => createFirestoreDestination(emulated.emulator, { projectId: `missing-${randomUUID()}` }),
  readRecords: (destination, userId) => emulated.client.records(rootFor(destination), userId),
});
