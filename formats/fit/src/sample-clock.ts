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
    const count = samples.length;
    at = new Float64Array(count);
    const timestamps: unknown[] = new Array(count);
    // Providers stamp every array of one activity at the same instants: a timestamp equal to the one at
    // the same index of the array read before is not parsed again.
    const previousTimestamps = this.#previousTimestamps;
    const previousMs = this.#previousMs;
    const shared = Math.min(previousTimestamps.length, count);
    let same = count === previousTimestamps.length;
    for (let i = 0; i < count; i++) {
      const sample = samples[i];
      const timestamp = sample?.timestamp;
      timestamps[i] = timestamp;
      let ms = NaN;
      if (typeof timestamp === "string") {
        if (i < shared && previousTimestamps[i] === timestamp) ms = previousMs[i]!;
        else {
          same = false;
          ms = instantMs(timestamp);
        }
      } else {
        same = false;
        if (sample && finite(sample.timer_duration_seconds) !== undefined) ms = this.#startMs + sample.timer_duration_seconds! * 1000;
      }
      at[i] = ms;
    }
    if (same) at = previousMs;
    this.#read.set(samples, at);
    if (count > 0) {
      this.#previousTimestamps = timestamps;
      this.#previousMs = at;
    }
    return at;
  }
}
