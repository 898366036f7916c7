import type { Static } from "@sinclair/typebox";
import { SleepUploadType } from "../enums/sleep-upload-type.ts";
import { TimestampLocalization } from "../enums/timestamp-localization.ts";
import { DeviceDataSchema } from "../objects/device.ts";
import { SleepDataEnrichmentSchema } from "../objects/enrichment.ts";
import { HeartRateDataSchema } from "../objects/heart-rate.ts";
import { ReadinessDataSchema } from "../objects/readiness.ts";
import { RespirationDataSchema } from "../objects/respiration.ts";
import { SleepScoresSchema } from "../objects/scores.ts";
import { SleepDurationsDataSchema } from "../objects/sleep-durations.ts";
import { SleepTemperatureDataSchema } from "../objects/sleep-temperature.ts";
import { bool, child, dateTime, document, enumField, ref, requiredEnum, str, subObject } from "../typebox.ts";

export const SleepMetadataSchema = subObject("SleepMetadata", {
  end_time: dateTime(),
  is_nap: bool(),
  start_time: dateTime(),
  summary_id: str(),
  timestamp_localization: enumField(TimestampLocalization),
  upload_type: requiredEnum(SleepUploadType),
});
export type SleepMetadata = Static<typeof SleepMetadataSchema>;

/** One sleep session (or nap). */
export const SleepSchema = document("Sleep", "sleep", {
  data_enrichment: child(SleepDataEnrichmentSchema),
  device_data: child(DeviceDataSchema),
  heart_rate_data: child(HeartRateDataSchema),
  metadata: ref(SleepMetadataSchema),
  readiness_data: child(ReadinessDataSchema),
  respiration_data: child(RespirationDataSchema),
  scores: child(SleepScoresSchema),
  sleep_durations_data: child(SleepDurationsDataSchema),
  temperature_data: child(SleepTemperatureDataSchema),
});
export type Sleep = Static<typeof SleepSchema>;
