import type { Static } from "@sinclair/typebox";
import { list, num, subObject, timestamp } from "../typebox.ts";

export const TemperatureSampleSchema = subObject("TemperatureSample", {
  timestamp: timestamp(),
  temperature_celsius: num(),
});
export type TemperatureSample = Static<typeof TemperatureSampleSchema>;

export const TemperatureDataSchema = subObject("TemperatureData", {
  ambient_temperature_samples: list(TemperatureSampleSchema),
  body_temperature_samples: list(TemperatureSampleSchema),
  skin_temperature_samples: list(TemperatureSampleSchema),
  day_avg_ambient_temperature_celsius: num(),
  day_avg_body_temperature_celsius: num(),
  day_avg_skin_temperature_celsius: num(),
});
export type TemperatureData = Static<typeof TemperatureDataSchema>;
