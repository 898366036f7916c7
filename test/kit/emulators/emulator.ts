/** A service emulator started by a test: where to reach it and how to stop it (idempotent). */
export interface Emulator {
  /** `http://127.0.0.1:<port>` for HTTP emulators, `127.0.0.1:<port>` for gRPC ones. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Wraps a stop function so a second `stop()` (e.g. a failed `beforeAll` plus `afterAll`) is harmless. */
export function onceOnly(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stop());
}
