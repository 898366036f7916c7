import type { Activity } from "@tributary/schemas";
import { instantMs } from "./instants.ts";
import type { RecordField, RecordRows } from "./record-section.ts";
import { degreesToSemicircles, finite, fitSeconds } from "./units.ts";

interface Sample {
  timestamp?: string | null;
  timer_duration_seconds?: number | null;
}

/** One Terra sample array and how its values become record fields. */
interface Stream<S extends Sample> {
  samples: readonly S[] | null | undefined;
  write(sample: S, rows: RecordRows, row: number): void;
}

const set = (rows: RecordRows, field: RecordField, row: number, value: unknown) => {
  const number = finite(value);
  if (number !== undefined) rows[field]![row] = number;
};

/**
 * The activity's sample arrays merged into record rows on one time base: one row per second that any
 * array has a sample in (FIT records are stamped in whole seconds; of two samples of one array in the same
 * second the later wins). A sample without a timestamp is placed by its timer_duration_seconds from the
 * start. Values are converted to the record fields' units (semicircles, strides for on-foot cadence).
 */
export function sampleRows(activity: Activity, startMs: number, onFoot: boolean): { rows: RecordRows; count: number } {
  const cadenceFactor = onFoot ? 0.5 : 1;
  // biome-ignore lint/suspicious/noExplicitAny: each stream's write takes its own sample type.
  const streams: Array<Stream<any>> = [
    { samples: activity.heart_rate_data?.detailed?.hr_samples, write: (s, rows, row) => set(rows, "heartRate", row, s.bpm) },
    { samples: activity.power_data?.power_samples, write: (s, rows, row) => set(rows, "power", row, s.watts) },
    {
      samples: activity.movement_data?.cadence_samples,
      write: (s, rows, row) => {
        const cadence = finite(s.cadence_rpm);
        if (cadence === undefined) return;
        const strides = cadence * cadenceFactor;
        const whole = Math.floor(strides);
        rows.cadence![row] = whole;
        rows.fractionalCadence![row] = strides - whole;
      },
    },
    { samples: activity.movement_data?.speed_samples, write: (s, rows, row) => set(rows, "enhancedSpeed", row, s.speed_meters_per_second) },
    { samples: activity.distance_data?.detailed?.distance_samples, write: (s, rows, row) => set(rows, "distance", row, s.distance_meters) },
    { samples: activity.distance_data?.detailed?.elevation_samples, write: (s, rows, row) => set(rows, "enhancedAltitude", row, s.elev_meters) },
    {
      samples: activity.position_data?.position_samples,
      write: (s, rows, row) => {
        const [lat, lng] = (s.coords_lat_lng_deg ?? []) as number[];
        if (finite(lat) === undefined || finite(lng) === undefined || Math.abs(lat!) > 90 || Math.abs(lng!) > 180) return;
        rows.positionLat![row] = degreesToSemicircles(lat!);
        rows.positionLong![row] = degreesToSemicircles(lng!);
      },
    },
  ];

  // Pass 1: the second of every sample, and the span they cover.
  // Providers stamp every array of one activity at the same instants: a timestamp equal to the one at the
  // same index of the previous array is not parsed again.
  const seconds: Float64Array[] = [];
  let min = Infinity;
  let max = -Infinity;
  let previous: readonly Sample[] = [];
  let previousSeconds = new Float64Array(0);
  for (const stream of streams) {
    const samples = (stream.samples ?? []) as ReadonlyArray<Sample | null>;
    const at = new Float64Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      let second = NaN;
      if (sample && typeof sample.timestamp === "string") {
        second = i < previous.length && previous[i]?.timestamp === sample.timestamp ? previousSeconds[i]! : fitSeconds(instantMs(sample.timestamp));
      } else if (sample && finite(sample.timer_duration_seconds) !== undefined) {
        second = fitSeconds(startMs + sample.timer_duration_seconds! * 1000);
      }
      at[i] = second;
      if (second < min) min = second;
      if (second > max) max = second;
    }
    seconds.push(at);
    if (samples.length > 0) {
      previous = samples as readonly Sample[];
      previousSeconds = at;
    }
  }
  if (min > max) return { rows: { timestamp: new Float64Array(0) }, count: 0 };

  // Pass 2: one row per distinct second, in time order.
  const rowOf = rowIndex(seconds, min, max);
  const count = rowOf.count;
  const rows: RecordRows = { timestamp: rowOf.timestamps };
  for (const field of ["positionLat", "positionLong", "distance", "enhancedSpeed", "enhancedAltitude", "heartRate", "cadence", "fractionalCadence", "power"] as const) {
    rows[field] = new Float64Array(count).fill(NaN);
  }
  streams.forEach((stream, s) => {
    const samples = stream.samples ?? [];
    const at = seconds[s]!;
    for (let i = 0; i < samples.length; i++) {
      const second = at[i]!;
      if (second === second && samples[i]) stream.write(samples[i], rows, rowOf.row(second));
    }
  });
  return { rows, count };
}

/** Dense lookup for the usual span (hours), a map for a nonsense one (samples years apart). */
const DENSE_SPAN_LIMIT = 4 * 24 * 3600;

function rowIndex(seconds: readonly Float64Array[], min: number, max: number) {
  if (max - min <= DENSE_SPAN_LIMIT) {
    const slots = new Int32Array(max - min + 1);
    for (const at of seconds) for (let i = 0; i < at.length; i++) if (at[i]! === at[i]!) slots[at[i]! - min] = 1;
    let count = 0;
    for (let i = 0; i < slots.length; i++) if (slots[i]) slots[i] = ++count;
    const timestamps = new Float64Array(count);
    for (let i = 0; i < slots.length; i++) if (slots[i]) timestamps[slots[i]! - 1] = min + i;
    return { count, timestamps, row: (second: number) => slots[second - min]! - 1 };
  }
  const distinct = new Set<number>();
  for (const at of seconds) for (let i = 0; i < at.length; i++) if (at[i]! === at[i]!) distinct.add(at[i]!);
  const sorted = [...distinct].sort((a, b) => a - b);
  const index = new Map(sorted.map((second, i) => [second, i]));
  return { count: sorted.length, timestamps: Float64Array.from(sorted), row: (second: number) => index.get(second)! };
}
