import type { ConnectorSpec, ProviderRecord } from "@tributary/core/contracts";

/**
 * A provider of days in parts (15-minute epochs merged into the day's Daily, like Garmin's): the spec of a
 * read-hook connector whose `epochs` stream the test writes, and the parts it yields.
 */
export function daysInPartsSpec(name: string): ConnectorSpec {
  return {
    name,
    displayName: name,
    dataTypes: ["daily"],
    auth: { type: "none" },
    streams: { daily: [{ name: "epochs", id: "/id" }] },
    mappings: {
      daily: {
        merge: { part: "/id" },
        template: {
          metadata: {
            start_time: { path: "/day", time: { format: "date" }, required: true },
            end_time: { path: "/day", time: { format: "date", add: 86400 } },
            upload_type: 1,
          },
          MET_data: { MET_samples: [{ timestamp: { path: "/at", time: { format: "datetime" } }, level: { path: "/met" } }] },
        },
      },
    },
  };
}

/** The `i`th 15-minute part of `day`: its own id, its MET sample. */
export const dayPart = (day: string, i: number, met: number): ProviderRecord => ({
  id: `${day}-epoch-${i}`,
  day,
  at: new Date(Date.parse(`${day}T00:00:00Z`) + i * 900_000).toISOString(),
  met,
});
