import type { TObject } from "@sinclair/typebox";
import type { DataType } from "../data-types.ts";
import type { Activity } from "./activity.ts";
import { ActivitySchema } from "./activity.ts";
import type { Athlete } from "./athlete.ts";
import { AthleteSchema } from "./athlete.ts";
import type { Body } from "./body.ts";
import { BodySchema } from "./body.ts";
import type { Daily } from "./daily.ts";
import { DailySchema } from "./daily.ts";
import type { Menstruation } from "./menstruation.ts";
import { MenstruationSchema } from "./menstruation.ts";
import type { Nutrition } from "./nutrition.ts";
import { NutritionSchema } from "./nutrition.ts";
import type { Sleep } from "./sleep.ts";
import { SleepSchema } from "./sleep.ts";

/** The model carried by each data type's event. */
export interface ModelByDataType {
  activity: Activity;
  body: Body;
  daily: Daily;
  sleep: Sleep;
  nutrition: Nutrition;
  menstruation: Menstruation;
  athlete: Athlete;
}
export type Model<T extends DataType = DataType> = ModelByDataType[T];

export const MODEL_SCHEMAS: Readonly<Record<DataType, TObject>> = Object.freeze({
  activity: ActivitySchema,
  body: BodySchema,
  daily: DailySchema,
  sleep: SleepSchema,
  nutrition: NutritionSchema,
  menstruation: MenstruationSchema,
  athlete: AthleteSchema,
});

export * from "./activity.ts";
export * from "./athlete.ts";
export * from "./body.ts";
export * from "./daily.ts";
export * from "./menstruation.ts";
export * from "./nutrition.ts";
export * from "./sleep.ts";
