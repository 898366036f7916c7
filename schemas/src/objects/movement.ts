import type { Static } from "@sinclair/typebox";
import { list, num, subObject, timestamp } from "../typebox.ts";

export const SpeedSampleSchema = subObject("SpeedSample", {
  timestamp: timestamp(),
  speed_meters_per_second: num(),
  timer_duration_seconds: num(),
});
export type SpeedSample = Static<typeof SpeedSampleSchema>;

export const CadenceSampleSchema = subObject("CadenceSample", {
  timestamp: timestamp(),
  cadence_rpm: num(),
  timer_duration_seconds: num(),
});
export type CadenceSample = Static<typeof CadenceSampleSchema>;

export const TorqueSampleSchema = subObject("TorqueSample", {
  timestamp: timestamp(),
  timer_duration_seconds: num(),
  torque_newton_meters: num(),
});
export type TorqueSample = Static<typeof TorqueSampleSchema>;

export const MovementDataSchema = subObject("MovementData", {
  adjusted_max_speed_meters_per_second: num(),
  avg_cadence_rpm: num(),
  avg_pace_minutes_per_kilometer: num(),
  avg_speed_meters_per_second: num(),
  avg_torque_newton_meters: num(),
  avg_velocity_meters_per_second: num(),
  cadence_samples: list(CadenceSampleSchema),
  max_cadence_rpm: num(),
  max_pace_minutes_per_kilometer: num(),
  max_speed_meters_per_second: num(),
  max_torque_newton_meters: num(),
  max_velocity_meters_per_second: num(),
  normalized_speed_meters_per_second: num(),
  speed_samples: list(SpeedSampleSchema),
  torque_samples: list(TorqueSampleSchema),
});
export type MovementData = Static<typeof MovementDataSchema>;
