import type { AnyEnumTable } from "./define-enum.ts";
import { ActivityLevel } from "./activity-level.ts";
import { ActivityType } from "./activity-type.ts";
import { AFibFlag } from "./afib-flag.ts";
import { DeviceDataType } from "./device-data-type.ts";
import { GlucoseFlag } from "./glucose-flag.ts";
import { HeartRateContext } from "./heart-rate-context.ts";
import { HeartRateZone } from "./heart-rate-zone.ts";
import { KetoneSampleType } from "./ketone-sample-type.ts";
import { LapTriggerMethod } from "./lap-trigger-method.ts";
import { MealType } from "./meal-type.ts";
import { MenstruationFlow } from "./menstruation-flow.ts";
import { MenstruationInterval } from "./menstruation-interval.ts";
import { NutritionUnits } from "./nutrition-units.ts";
import { OxygenSaturationType } from "./oxygen-saturation-type.ts";
import { RecoveryLevel } from "./recovery-level.ts";
import { SleepLevel } from "./sleep-level.ts";
import { SleepUploadType } from "./sleep-upload-type.ts";
import { StressLevel } from "./stress-level.ts";
import { StrokeType } from "./stroke-type.ts";
import { TimestampLocalization } from "./timestamp-localization.ts";
import { TrendArrow } from "./trend-arrow.ts";
import { UploadType } from "./upload-type.ts";

export { defineIntEnum, defineStringEnum } from "./define-enum.ts";
export type { AnyEnumTable, EnumCode, EnumName, EnumOptions, EnumTable } from "./define-enum.ts";
export {
  ActivityLevel,
  ActivityType,
  AFibFlag,
  DeviceDataType,
  GlucoseFlag,
  HeartRateContext,
  HeartRateZone,
  KetoneSampleType,
  LapTriggerMethod,
  MealType,
  MenstruationFlow,
  MenstruationInterval,
  NutritionUnits,
  OxygenSaturationType,
  RecoveryLevel,
  SleepLevel,
  SleepUploadType,
  StressLevel,
  StrokeType,
  TimestampLocalization,
  TrendArrow,
  UploadType,
};

/** Every enum table, keyed by Terra's enum name (also each schema's `title`). */
export const ENUMS: Readonly<Record<string, AnyEnumTable>> = Object.freeze(
  Object.fromEntries(
    [
      ActivityLevel,
      ActivityType,
      AFibFlag,
      DeviceDataType,
      GlucoseFlag,
      HeartRateContext,
      HeartRateZone,
      KetoneSampleType,
      LapTriggerMethod,
      MealType,
      MenstruationFlow,
      MenstruationInterval,
      NutritionUnits,
      OxygenSaturationType,
      RecoveryLevel,
      SleepLevel,
      SleepUploadType,
      StressLevel,
      StrokeType,
      TimestampLocalization,
      TrendArrow,
      UploadType,
    ].map((table) => [table.title, table as unknown as AnyEnumTable]),
  ),
);
