import { afterAll, beforeAll } from "vitest";
import type { Emulator } from "./emulator.ts";

/** What a test reads the emulator's state through (a bucket reader, a queue consumer): closed with the emulator. */
export interface EmulatorClient {
  close(): unknown;
}

export interface EmulatorPerFile<E extends Emulator, C extends EmulatorClient> {
  /** Set once the file's `beforeAll` ran: read it inside tests and hooks, not at the top of the file. */
  readonly emulator: E;
  readonly client: C;
}

/**
 * One emulator for the calling test file, with one client of it: started in `beforeAll`, and in `afterAll`
 * the client closed, then the emulator stopped (each only if it was made, so a failed start reports its own
 * error). Starting one per file, not per test, keeps a file's tests quick; tests keep apart by unique names.
 */
export function emulatorPerFile<E extends Emulator, C extends EmulatorClient>(start: () => Promise<E>, open: (emulator: E) => C): EmulatorPerFile<E, C> {
  let emulator: E | undefined;
  let client: C | undefined;
  beforeAll(async () => {
    emulator = await start();
    client = open(emulator);
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.stop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the emulator is not started yet: read it inside a test or hook, after beforeAll");
    return value;
  };
  return {
    get emulator() {
      return ready(emulator);
    },
    get client() {
      return ready(client);
    },
  };
}
