import { Type, type Static } from "@sinclair/typebox";
import { ActivityType } from "../enums/activity-type.ts";
import { TimestampLocalization } from "../enums/timestamp-localization.ts";
import { UploadType } from "../enums/upload-type.ts";
import { ActiveDurationsDataSchema } from "../objects/active-durations.ts";
import { CaloriesDataSchema } from "../objects/calories.ts";
import { DeviceDataSchema } from "../objects/device.ts";
import { DistanceDataSchema } from "../objects/distance.ts";
import { EnergyDataSchema } from "../objects/energy.ts";
import { DataEnrichmentSchema } from "../objects/enrichment.ts";
import { HeartRateDataSchema } from "../objects/heart-rate.ts";
import { LapDataSchema } from "../objects/laps.ts";
import { METDataSchema } from "../objects/met.ts";
import { MovementDataSchema } from "../objects/movement.ts";
import { OxygenDataSchema } from "../objects/oxygen.ts";
import { PolylineMapDataSchema, PositionDataSchema } from "../objects/position.ts";
import { PowerDataSchema } from "../objects/power.ts";
import { StrainDataSchema } from "../objects/strain.ts";
import { TSSDataSchema } from "../objects/tss.ts";
import { WorkDataSchema } from "../objects/work.ts";
import { child, dateTime, document, enumField, num, ref, requiredEnum, str, subObject } from "../typebox.ts";

export const ActivityMetadataSchema = subObject("ActivityMetadata", {
  city: str(),
  country: str(),
  end_time: dateTime(),
  name: str(),
  start_time: dateTime(),
  state: str(),
  /** Unique per user only; the natural key of an activity. */
  summary_id: Type.String(),
  timestamp_localization: enumField(TimestampLocalization),
  type: requiredEnum(ActivityType),
  upload_type: requiredEnum(UploadType),
});
export type ActivityMetadata = Static<typeof ActivityMetadataSchema>;

/** One workout session with a defined start and end. */
export const ActivitySchema = document("Activity", "activity", {
  active_durations_data: child(ActiveDurationsDataSchema),
  calories_data: child(CaloriesDataSchema),
  cheat_detection: num(),
  data_enrichment: child(DataEnrichmentSchema),
  device_data: child(DeviceDataSchema),
  distance_data: child(DistanceDataSchema),
  energy_data: child(EnergyDataSchema),
  heart_rate_data: child(HeartRateDataSchema),
  lap_data: child(LapDataSchema),
  MET_data: child(METDataSchema),
  metadata: ref(ActivityMetadataSchema),
  movement_data: child(MovementDataSchema),
  oxygen_data: child(OxygenDataSchema),
  polyline_map_data: child(PolylineMapDataSchema),
  position_data: child(PositionDataSchema),
  power_data: child(PowerDataSchema),
  strain_data: child(StrainDataSchema),
  TSS_data: child(TSSDataSchema),
  work_data: child(WorkDataSchema),
});
export type Activity = Static<typeof ActivitySchema>;
