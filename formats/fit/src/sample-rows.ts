import type { Activity } from "@tributary/schemas";
import type { RecordField, RecordRows } from "./record-section.ts";
import type { SampleClock, TimedSample } from "./sample-clock.ts";
import { degreesToSemicircles, fitSeconds } from "./units.ts";

/** The kinds of Terra sample arrays that records carry. */
type Kind = "heartRate" | "power" | "cadence" | "speed" | "distance" | "elevation" | "position";

/** The record fields each kind of sample fills (the columns `fill` writes, in this order). */
const FIELDS: Record<Kind, readonly RecordField[]> = {
  heartRate: ["heartRate"],
  power: ["power"],
  cadence: ["cadence", "fractionalCadence"],
  speed: ["enhancedSpeed"],
  distance: ["distance"],
  elevation: ["enhancedAltitude"],
  position: ["positionLat", "positionLong"],
};

interface Stream {
  kind: Kind;
  samples: ReadonlyArray<TimedSample | null>;
}

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

function setNumber(column: Float64Array, row: number, value: unknown): void {
  if (isNumber(value)) column[row] = value;
}

/**
 * Writes each sample's values at its row (`rowOf[i]`, -1 for none) of the kind's columns. One loop for
 * every kind, the kind switched on per sample: each case reads one shape of sample only, which keeps
 * property reads fast where a reader function per kind, called from one loop, would not be.
 */
// biome-ignore lint/suspicious/noExplicitAny: each case reads the one sample shape of its kind.
function fill(kind: Kind, samples: ReadonlyArray<any>, rowOf: Int32Array, columns: Float64Array[], cadenceFactor: number): void {
  const [first, second] = columns as [Float64Array, Float64Array];
  for (let i = 0; i < samples.length; i++) {
    const row = rowOf[i]!;
    const sample = samples[i];
    if (row < 0 || !sample) continue;
    switch (kind) {
      case "heartRate":
        setNumber(first, row, sample.bpm);
        break;
      case "power":
        setNumber(first, row, sample.watts);
        break;
      case "cadence": {
        const rpm = sample.cadence_rpm;
        if (!isNumber(rpm)) break;
        const strides = rpm * cadenceFactor;
        first[row] = Math.floor(strides);
        second[row] = strides - Math.floor(strides);
        break;
      }
      case "speed":
        setNumber(first, row, sample.speed_meters_per_second);
        break;
      case "distance":
        setNumber(first, row, sample.distance_meters);
        break;
      case "elevation":
        setNumber(first, row, sample.elev_meters);
        break;
      case "position": {
        const coords: unknown = sample.coords_lat_lng_deg;
        if (!Array.isArray(coords)) break;
        const lat: unknown = coords[0];
        const lng: unknown = coords[1];
        if (!isNumber(lat) || !isNumber(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) break;
        first[row] = degreesToSemicircles(lat);
        second[row] = degreesToSemicircles(lng);
        break;
      }
    }
  }
}

/**
 * The activity's sample arrays merged into record rows on one time base: one row per second that any
 * array has a sample in (FIT records are stamped in whole seconds; of two samples of one array in the same
 * second the later wins). A sample without a timestamp is placed by its timer_duration_seconds from the
 * start. Values are converted to the record fields' units (semicircles, strides for on-foot cadence).
 */
export function sampleRows(activity: Activity, clock: SampleClock, onFoot: boolean): { rows: RecordRows; count: number } {
  const arrays: Array<[Kind, ReadonlyArray<TimedSample | null> | null | undefined]> = [
    ["heartRate", activity.heart_rate_data?.detailed?.hr_samples],
    ["power", activity.power_data?.power_samples],
    ["cadence", activity.movement_data?.cadence_samples],
    ["speed", activity.movement_data?.speed_samples],
    ["distance", activity.distance_data?.detailed?.distance_samples],
    ["elevation", activity.distance_data?.detailed?.elevation_samples],
    ["position", activity.position_data?.position_samples],
  ];
  const streams: Stream[] = arrays.filter(([, samples]) => samples && samples.length > 0).map(([kind, samples]) => ({ kind, samples: samples! }));

  // The FIT second of every sample, and the span they cover; arrays stamped at the same instants share them.
  let min = Infinity;
  let max = -Infinity;
  const secondsOf = new Map<Float64Array, Float64Array>();
  for (const { samples } of streams) {
    const at = clock.instants(samples);
    if (secondsOf.has(at)) continue;
    const seconds = new Float64Array(at.length);
    for (let i = 0; i < at.length; i++) {
      const second = fitSeconds(at[i]!);
      seconds[i] = second;
      if (second < min) min = second;
      if (second > max) max = second;
    }
    secondsOf.set(at, seconds);
  }
  if (min > max) return { rows: { timestamp: new Float64Array(0) }, count: 0 };

  // One row per distinct second, in time order; then each array's values written at their rows.
  const { timestamps, rowsOf } = timeBase([...secondsOf.values()], min, max);
  const rowOfInstants = new Map([...secondsOf.keys()].map((at, i) => [at, rowsOf[i]!]));
  const count = timestamps.length;
  const rows: RecordRows = { timestamp: timestamps };
  const cadenceFactor = onFoot ? 0.5 : 1;
  for (const { kind, samples } of streams) {
    const columns = FIELDS[kind].map((field) => (rows[field] = new Float64Array(count).fill(NaN)));
    fill(kind, samples, rowOfInstants.get(clock.instants(samples))!, columns, cadenceFactor);
  }
  return { rows, count };
}

/** Dense slots for the usual span (hours), a sorted set for a nonsense one (samples years apart). */
const DENSE_SPAN_LIMIT = 4 * 24 * 3600;

/** The distinct seconds in order, and for each array the row of each of its samples (-1: no time). */
function timeBase(seconds: readonly Float64Array[], min: number, max: number): { timestamps: Float64Array; rowsOf: Int32Array[] } {
  if (max - min <= DENSE_SPAN_LIMIT) {
    const slots = new Int32Array(max - min + 1);
    for (const at of seconds) for (let i = 0; i < at.length; i++) if (at[i]! === at[i]!) slots[at[i]! - min] = 1;
    let count = 0;
    for (let i = 0; i < slots.length; i++) if (slots[i]) slots[i] = ++count;
    const timestamps = new Float64Array(count);
    for (let i = 0; i < slots.length; i++) if (slots[i]) timestamps[slots[i]! - 1] = min + i;
    const rowsOf = seconds.map((at) => {
      const rows = new Int32Array(at.length);
      for (let i = 0; i < at.length; i++) rows[i] = at[i]! === at[i]! ? slots[at[i]! - min]! - 1 : -1;
      return rows;
    });
    return { timestamps, rowsOf };
  }
  const distinct = new Set<number>();
  for (const at of seconds) for (let i = 0; i < at.length; i++) if (at[i]! === at[i]!) distinct.add(at[i]!);
  const timestamps = Float64Array.from(distinct).sort();
  const index = new Map(Array.from(timestamps, (second, i) => [second, i]));
  return { timestamps, rowsOf: seconds.map((at) => Int32Array.from(at, (second) => index.get(second) ?? -1)) };
}
