import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { encodeActivityFit } from "@tributary/fit";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { terraTimestamp, type Activity } from "@tributary/schemas";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The GARMIN connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Garmin user ids (numbers at Garmin; the provider user id is their text). */
export const NOOR = "4aacafe82427c251df9c9592d0c06768";
export const ELI = "7c1e0b9a4f2d4e8b9a6c3d2e1f0a9b8c";

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const garmin = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const garminFixtures = (definition = garmin()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

/** Garmin's ride whose FIT file the activityFiles example names (activityId 21051230001). */
export const RIDE_ID = "21051230001";
/** A second ride whose file arrived cut off: not a FIT file that decodes. */
export const BROKEN_RIDE_ID = "21051230002";

/**
 * The ride's FIT file as an Edge would write it, made by the project's FIT encoder: 60 one-second records
 * from 2026-03-11T06:00:00Z — heart rate 120 + (i mod 10), power 180 + i, speed 8.0 + (i mod 5) × 0.1 m/s,
 * cadence 88 + (i mod 3), distance 8 m a second, positions stepping north-east from 52.52, 13.405. The
 * fixtures (urls.json) and recordings serve these bytes; a test checks they still are these.
 */
export function rideFit(): Buffer {
  const start = Date.parse("2026-03-11T06:00:00Z");
  const at = (i: number) => terraTimestamp(start + i * 1000, 0);
  const seconds = Array.from({ length: 60 }, (_, i) => i);
  return Buffer.from(
    encodeActivityFit({
      metadata: { summary_id: RIDE_ID, start_time: at(0), end_time: at(60), type: 16, upload_type: 1, timestamp_localization: 0 },
      heart_rate_data: { detailed: { hr_samples: seconds.map((i) => ({ timestamp: at(i), bpm: 120 + (i % 10) })) } },
      power_data: { power_samples: seconds.map((i) => ({ timestamp: at(i), watts: 180 + i })) },
      movement_data: {
        speed_samples: seconds.map((i) => ({ timestamp: at(i), speed_meters_per_second: 8 + (i % 5) / 10 })),
        cadence_samples: seconds.map((i) => ({ timestamp: at(i), cadence_rpm: 88 + (i % 3) })),
      },
      position_data: { position_samples: seconds.map((i) => ({ timestamp: at(i), coords_lat_lng_deg: [52.52 + i / 10000, 13.405 + i / 10000] })) },
      distance_data: { detailed: { distance_samples: seconds.map((i) => ({ timestamp: at(i), distance_meters: i * 8 })) } },
    } as Activity),
  );
}

/** The broken ride's file: the first 100 bytes of a FIT file, as a dropped download leaves it. */
export const brokenRideFit = (): Buffer => rideFit().subarray(0, 100);

/** The activityFiles example's notification, made about the broken ride: its file does not decode. */
export const aboutBrokenRide = (document: Record<string, unknown>): Record<string, unknown> => ({
  ...document,
  summaryId: BROKEN_RIDE_ID,
  activityId: Number(BROKEN_RIDE_ID),
  callbackURL: `https://apis.garmin.com/wellness-api/rest/activityFile?id=${BROKEN_RIDE_ID}&token=ping-token-7`,
});
