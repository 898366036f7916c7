import type { Static } from "@sinclair/typebox";
import { TimestampLocalization } from "../enums/timestamp-localization.ts";
import { UploadType } from "../enums/upload-type.ts";
import { ActiveDurationsDataSchema } from "../objects/active-durations.ts";
import { CaloriesDataSchema } from "../objects/calories.ts";
import { DeviceDataSchema } from "../objects/device.ts";
import { DailyDistanceDataSchema } from "../objects/distance.ts";
import { DailyDataEnrichmentSchema } from "../objects/enrichment.ts";
import { HeartRateDataSchema } from "../objects/heart-rate.ts";
import { METDataSchema } from "../objects/met.ts";
import { OxygenDataSchema } from "../objects/oxygen.ts";
import { ScoresDataSchema } from "../objects/scores.ts";
import { StrainDataSchema } from "../objects/strain.ts";
import { StressDataSchema } from "../objects/stress.ts";
import { TagDataSchema } from "../objects/tags.ts";
import { child, dateTime, document, enumField, ref, requiredEnum, subObject } from "../typebox.ts";

/** Day boundaries at local midnight; the date part of `start_time` is the natural key. */
export const DailyMetadataSchema = subObject("DailyMetadata", {
  end_time: dateTime(),
  start_time: dateTime(),
  timestamp_localization: enumField(TimestampLocalization),
  upload_type: requiredEnum(UploadType),
});
export type DailyMetadata = Static<typeof DailyMetadataSchema>;

/** Cumulative summary of one day; every delivery is a superset of the previous one. */
export const DailySchema = document("Daily", "daily", {
  active_durations_data: child(ActiveDurationsDataSchema),
  calories_data: child(CaloriesDataSchema),
  data_enrichment: child(DailyDataEnrichmentSchema),
  device_data: child(DeviceDataSchema),
  distance_data: child(DailyDistanceDataSchema),
  heart_rate_data: child(HeartRateDataSchema),
  MET_data: child(METDataSchema),
  metadata: ref(DailyMetadataSchema),
  oxygen_data: child(OxygenDataSchema),
  scores: child(ScoresDataSchema),
  strain_data: child(StrainDataSchema),
  stress_data: child(StressDataSchema),
  tag_data: child(TagDataSchema),
});
export type Daily = Static<typeof DailySchema>;
