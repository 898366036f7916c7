/**
 * The mapping benchmark's Wahoo case: a one-hour ride at 1 Hz as the Wahoo connector maps it — its FIT
 * file decoded into seven sample lists (heart rate, power, speed, cadence, position, distance, elevation:
 * 25,200 Terra text timestamps, written in UTC) — through the real connector.yaml, once in the member's
 * zone (every timestamp read back and moved to Helsinki's offset at its instant) and once without a zone.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeActivityFit, encodeActivityFit } from "@tributary/fit";
import { createRecordMapper } from "@tributary/core/authoring";
import { loadConnectorFile } from "@tributary/core/spec";
import { terraTimestamp, type Activity } from "@tributary/schemas";

export const RIDE_SAMPLES = 3600;
const STARTS = "2026-03-29T00:30:00.000Z"; // across Helsinki's change to summer time (01:00 UTC)

function rideFit(): Uint8Array {
  const start = Date.parse(STARTS);
  const at = (i: number) => terraTimestamp(start + i * 1000, 0);
  const each = Array.from({ length: RIDE_SAMPLES }, (_, i) => i);
  return encodeActivityFit({
    metadata: { summary_id: "776001", start_time: at(0), end_time: at(RIDE_SAMPLES - 1), type: 16, upload_type: 1, timestamp_localization: 0 },
    heart_rate_data: { detailed: { hr_samples: each.map((i) => ({ timestamp: at(i), bpm: 120 + (i % 40) })) } },
    power_data: { power_samples: each.map((i) => ({ timestamp: at(i), watts: 180 + (i % 60) })) },
    movement_data: {
      speed_samples: each.map((i) => ({ timestamp: at(i), speed_meters_per_second: 8 + (i % 9) / 10 })),
      cadence_samples: each.map((i) => ({ timestamp: at(i), cadence_rpm: 85 + (i % 7) })),
    },
    position_data: { position_samples: each.map((i) => ({ timestamp: at(i), coords_lat_lng_deg: [60.17 + i / 100_000, 24.94] })) },
    distance_data: {
      detailed: {
        distance_samples: each.map((i) => ({ timestamp: at(i), distance_meters: i * 8 })),
        elevation_samples: each.map((i) => ({ timestamp: at(i), elev_meters: 20 + (i % 30) })),
      },
    },
  } as Activity);
}

/** The workout as the stream hands it to the mapping (GET /v1/workouts/{id} with its decoded file attached); `zone` undefined leaves time_zone out. */
export function wahooRide(zone: string | undefined): Record<string, unknown> {
  return {
    id: 776001,
    starts: STARTS,
    minutes: 60,
    name: "Ride",
    workout_type_id: 15,
    workout_summary: { id: 882001, duration_total_accum: "3600", ...(zone === undefined ? {} : { time_zone: zone }) },
    fit: decodeActivityFit(rideFit()),
  };
}

/** Maps a ride through the Wahoo connector's mapping; throws unless it is one record. */
export function wahooMapper(): (record: Record<string, unknown>) => Promise<Record<string, unknown>> {
  const folder = join(fileURLToPath(new URL("../..", import.meta.url)), "connectors/wahoo");
  const mapper = createRecordMapper(loadConnectorFile(folder), { userId: "bench", providerUserId: "60462" });
  return async (record) => {
    const [outcome] = await mapper.map("activity", "activity", record);
    if (outcome?.kind !== "record") throw new Error(`the Wahoo ride did not map: ${JSON.stringify(outcome).slice(0, 500)}`);
    return outcome.record as Record<string, unknown>;
  };
}
