import { randomUUID } from "node:crypto";
import { Firestore } from "@google-cloud/firestore";
import { DATA_EVENT_TYPES, recordKey, type Destination } from "@tributary/core/contracts";
import type { StoredRecord } from "@tributary/test-kit";
import type { FirestoreEmulator } from "@tributary/test-kit/emulators";
import firestorePlugin, { type FirestoreOptions } from "../src/index.ts";
import { testContext } from "@tributary/test-kit";

const rootOf = new WeakMap<Destination, string>();

/** A destination writing under a fresh root collection on the emulator. */
export function createFirestoreDestination(emulator: FirestoreEmulator, options: Partial<FirestoreOptions> = {}): Destination {
  const root = options.root ?? `t-${randomUUID()}`;
  const destination = firestorePlugin.create({ projectId: emulator.projectId, host: emulator.endpoint, root, ...options }, testContext("documents"));
  rootOf.set(destination, root);
  return destination;
}

export function rootFor(destination: Destination): string {
  const root = rootOf.get(destination);
  if (!root) throw new Error("not a destination made by createFirestoreDestination");
  return root;
}

/** Reads what a firestore destination wrote, with a Firestore client of its own. */
export class FirestoreReader {
  readonly db: Firestore;
  constructor(emulator: FirestoreEmulator) {
    this.db = new Firestore({ projectId: emulator.projectId, host: emulator.endpoint, ssl: false, universeDomain: "googleapis.com" });
  }

  close(): Promise<void> {
    return this.db.terminate();
  }

  collection(root: string, type: string) {
    return this.db.collection(root).doc("2022-03-16").collection(type);
  }

  /** Every data document of a user: the record without the bookkeeping fields, keyed by its natural key. */
  async records(root: string, userId: string): Promise<StoredRecord[]> {
    const stored: StoredRecord[] = [];
    for (const type of DATA_EVENT_TYPES) {
      const page = await this.collection(root, type).where("user_id", "==", userId).get();
      for (const document of page.docs) {
        const { user: _user, user_id: _userId, _tributary, ...record } = document.data();
        stored.push({ type, key: recordKey(type, userId, record).key, record });
      }
    }
    return stored;
  }
}
