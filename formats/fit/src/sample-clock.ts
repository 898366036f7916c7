import { instantMs } from "./instants.ts";
import { finite } from "./units.ts";

/** What every Terra sample may carry to place it in time. */
export interface TimedSample {
  timestamp?: string | null;
  timer_duration_seconds?: number | null;
}

/**
 * The instant (Unix ms) of every sample of an activity's sample arrays, each array read once however many
 * parts of the encoder ask for it: its timestamp, or else its timer_duration_seconds from the start; NaN
 * for a sample with neither (or a null sample). Arrays stamped at the same instants get the same instants
 * array (the same object), so that work done per instant is done once for all of them.
 */
export class SampleClock {
  readonly #startMs: number;
  readonly #read = new Map<readonly unknown[], Float64Array>();
  /** The timestamps of the array read last, and their instants. */
  #previousTimestamps: unknown[] = [];
  #previousMs: Float64Array = new Float64Array(0);

  constructor(startMs: number) {
    this.#startMs = startMs;
  }

  instants(samples: ReadonlyArray<TimedSample | null>): Float64Array {
    let at = this.#read.get(samples);
    if (at) return at;
    // Providers stamp every array of one activity at the same instants: an array whose timestamps are
    // those of the array read before gets its instants, and a timestamp equal to the one at the same index
    // of that array is not parsed again.
    const previousTimestamps = this.#previousTimestamps;
    if (sameTimestamps(samples, previousTimestamps)) at = this.#previousMs;
    else {
      const count = samples.length;
      const previousMs = this.#previousMs;
      const shared = Math.min(previousTimestamps.length, count);
      const timestamps: unknown[] = new Array(count);
      at = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const sample = samples[i];
        const timestamp = sample?.timestamp;
        timestamps[i] = timestamp;
        let ms = NaN;
        if (typeof timestamp === "string") ms = i < shared && previousTimestamps[i] === timestamp ? previousMs[i]! : instantMs(timestamp);
        else if (sample && finite(sample.timer_duration_seconds) !== undefined) ms = this.#startMs + sample.timer_duration_seconds! * 1000;
        at[i] = ms;
      }
      if (count > 0) {
        this.#previousTimestamps = timestamps;
        this.#previousMs = at;
      }
    }
    this.#read.set(samples, at);
    return at;
  }
}

function sameTimestamps(samples: ReadonlyArray<TimedSample | null>, timestamps: readonly unknown[]): boolean {
  if (samples.length !== timestamps.length || samples.length === 0) return false;
  for (let i = 0; i < samples.length; i++) {
    const timestamp = samples[i]?.timestamp;
    if (typeof timestamp !== "string" || timestamp !== timestamps[i]) return false;
  }
  return true;
}
