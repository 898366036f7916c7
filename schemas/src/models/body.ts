import type { Static } from "@sinclair/typebox";
import { TimestampLocalization } from "../enums/timestamp-localization.ts";
import { BloodPressureDataSchema } from "../objects/blood-pressure.ts";
import { DeviceDataSchema } from "../objects/device.ts";
import { GlucoseDataSchema } from "../objects/glucose.ts";
import { HeartDataSchema } from "../objects/heart.ts";
import { HydrationDataSchema } from "../objects/hydration.ts";
import { KetoneDataSchema } from "../objects/ketone.ts";
import { MeasurementsDataSchema } from "../objects/measurements.ts";
import { OxygenDataSchema } from "../objects/oxygen.ts";
import { TemperatureDataSchema } from "../objects/temperature.ts";
import { child, dateTime, document, enumField, ref, subObject } from "../typebox.ts";

export const BodyMetadataSchema = subObject("BodyMetadata", {
  end_time: dateTime(),
  start_time: dateTime(),
  timestamp_localization: enumField(TimestampLocalization),
});
export type BodyMetadata = Static<typeof BodyMetadataSchema>;

/** Body metrics of one day. */
export const BodySchema = document("Body", "body", {
  blood_pressure_data: child(BloodPressureDataSchema),
  device_data: child(DeviceDataSchema),
  heart_data: child(HeartDataSchema),
  hydration_data: child(HydrationDataSchema),
  ketone_data: child(KetoneDataSchema),
  measurements_data: child(MeasurementsDataSchema),
  metadata: ref(BodyMetadataSchema),
  oxygen_data: child(OxygenDataSchema),
  temperature_data: child(TemperatureDataSchema),
  glucose_data: child(GlucoseDataSchema),
});
export type Body = Static<typeof BodySchema>;
