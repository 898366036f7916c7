/**
 * The time a mock lives in. Tests that expire tokens or exhaust a rate window move a manual clock instead
 * of sleeping; a mock run from the CLI uses the system clock.
 */
export interface MockClock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface ManualClock extends MockClock {
  advance(seconds: number): void;
  set(epochMs: number): void;
}

export const systemClock: MockClock = { now: () => Date.now() };

export function manualClock(startMs = Date.now()): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance(seconds) {
      current += seconds * 1000;
    },
    set(epochMs) {
      current = epochMs;
    },
  };
}
