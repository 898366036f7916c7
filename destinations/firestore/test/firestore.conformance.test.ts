import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { testDestination } from "@tributary/test-kit";
import { startFirestoreEmulator, type FirestoreEmulator } from "@tributary/test-kit/emulators";
import { FirestoreReader, createFirestoreDestination, rootFor } from "./firestore-harness.ts";

let emulator: FirestoreEmulator;
let reader: FirestoreReader;

beforeAll(async () => {
  emulator = await startFirestoreEmulator();
  reader = new FirestoreReader(emulator);
});

afterAll(async () => {
  await reader?.db.terminate();
  await emulator?.stop();
});

testDestination("firestore", {
  create: () => createFirestoreDestination(emulator),
  // The emulator checks no credentials (the client sends none to an emulator); it refuses projects it was not
  // started with, as production Firestore refuses a project the service account cannot use: PERMISSION_DENIED.
  refusedFor: "a project the emulator does not hold (it checks no credentials)",
  createAt: (origin) => createFirestoreDestination(emulator, { host: `${origin.host}:${origin.port}` }),
  createWithBadCredentials: () => createFirestoreDestination(emulator, { projectId: `missing-${randomUUID()}` }),
  readRecords: (destination, userId) => reader.records(rootFor(destination), userId),
});
