import { setImmediate as nextMacrotask } from "node:timers/promises";
import type { ProviderRecord } from "@tributary/core/contracts";

/** Longest stretch of synchronous generation before the event loop gets a turn. */
const SLICE_MS = 20;

/**
 * Streams generated records to the runtime. Generation is CPU-bound, so it yields to the event loop every
 * few milliseconds (queue lock renewals and HTTP keep running during a long backfill) and checks the
 * job's abort signal between records. The producer is called lazily, so a bad range surfaces as a
 * rejected iteration rather than a synchronous throw from `read()`.
 */
export async function* readGenerated(produce: () => Iterable<ProviderRecord>, signal: AbortSignal): AsyncGenerator<ProviderRecord> {
  signal.throwIfAborted();
  let sliceStart = performance.now();
  for (const record of produce()) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await nextMacrotask();
      sliceStart = performance.now();
    }
    signal.throwIfAborted();
    yield record;
  }
}
