import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { encodeActivityFit } from "@tributary/fit";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import type { ProviderTransport } from "@tributary/core/provider-http";
import { terraTimestamp, type Activity } from "@tributary/schemas";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The WAHOO connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Wahoo user ids (numbers at Wahoo; the provider user id is their text). */
export const SAM = "60462";
export const LEA = "60517";

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const wahoo = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const wahooFixtures = (definition = wahoo()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

/** Where the fixtures' workout files are: Wahoo's CDN, which no test reaches. */
export const CDN = "https://cdn.wahooligan.com";
export const RIDE_FIT_PATH = "/wahoo-cloud/production/uploads/workout_file/file/881100/2026-03-31.fit";
export const RUN_FIT_PATH = "/wahoo-cloud/production/uploads/workout_file/file/881099/2026-03-30.fit";

/**
 * The ride's FIT file as an ELEMNT would write it: 60 one-second records from `rideStart` —
 * heart rate 130 + (i mod 10), power 200 + i, speed 9.0 + (i mod 5) × 0.1 m/s, cadence 85 + (i mod 3),
 * positions stepping north-east from 45.5, -73.6. The run's file is an HTML error page, as a CDN may
 * answer: not a FIT file.
 */
export function workoutFiles(rideStart = "2026-03-31T07:00:00Z"): Map<string, Buffer> {
  const start = Date.parse(rideStart);
  const at = (i: number) => terraTimestamp(start + i * 1000, 0);
  const seconds = Array.from({ length: 60 }, (_, i) => i);
  const ride = encodeActivityFit({
    metadata: { summary_id: "774300", start_time: at(0), end_time: at(60), type: 16, upload_type: 1, timestamp_localization: 0 },
    heart_rate_data: { detailed: { hr_samples: seconds.map((i) => ({ timestamp: at(i), bpm: 130 + (i % 10) })) } },
    power_data: { power_samples: seconds.map((i) => ({ timestamp: at(i), watts: 200 + i })) },
    movement_data: {
      speed_samples: seconds.map((i) => ({ timestamp: at(i), speed_meters_per_second: 9 + (i % 5) / 10 })),
      cadence_samples: seconds.map((i) => ({ timestamp: at(i), cadence_rpm: 85 + (i % 3) })),
    },
    position_data: { position_samples: seconds.map((i) => ({ timestamp: at(i), coords_lat_lng_deg: [45.5 + i / 10000, -73.6 + i / 10000] })) },
    distance_data: { detailed: { distance_samples: seconds.map((i) => ({ timestamp: at(i), distance_meters: i * 9 })) } },
  } as Activity);
  return new Map([
    [RIDE_FIT_PATH, Buffer.from(ride)],
    [RUN_FIT_PATH, Buffer.from("<html><body>503 Service Unavailable</body></html>")],
  ]);
}

/** A transport that answers requests to Wahoo's CDN from `files` (404 for others) and sends the rest on. */
export function withCdn(next: ProviderTransport, files: Map<string, Buffer>): ProviderTransport {
  return async (request) => {
    const url = new URL(request.url);
    if (url.origin !== CDN) return next(request);
    const file = files.get(url.pathname);
    return file
      ? { status: 200, headers: { "content-type": "application/octet-stream" }, body: file }
      : { status: 404, headers: { "content-type": "application/xml" }, body: Buffer.from("<Error><Code>NoSuchKey</Code></Error>") };
  };
}
