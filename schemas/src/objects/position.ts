import { Type, type Static } from "@sinclair/typebox";
import { latLng, list, num, optionalNullable, str, subObject, timestamp } from "../typebox.ts";

export const PositionSampleSchema = subObject("PositionSample", {
  timestamp: timestamp(),
  coords_lat_lng_deg: latLng(),
  timer_duration_seconds: num(),
});
export type PositionSample = Static<typeof PositionSampleSchema>;

// Terra types the summary positions as plain number arrays (unlike the sample pair), so we do too.
const coordinates = () => optionalNullable(Type.Array(Type.Number()));

export const PositionDataSchema = subObject("PositionData", {
  center_pos_lat_lng_deg: coordinates(),
  end_pos_lat_lng_deg: coordinates(),
  position_samples: list(PositionSampleSchema),
  start_pos_lat_lng_deg: coordinates(),
});
export type PositionData = Static<typeof PositionDataSchema>;

/** Google encoded-polyline of the route. */
export const PolylineMapDataSchema = subObject("PolylineMapData", {
  summary_polyline: str(),
});
export type PolylineMapData = Static<typeof PolylineMapDataSchema>;
