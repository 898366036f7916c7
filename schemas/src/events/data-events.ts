import { Type, type Static, type TSchema } from "@sinclair/typebox";
import type { DataType } from "../data-types.ts";
import { ActivitySchema } from "../models/activity.ts";
import { AthleteSchema } from "../models/athlete.ts";
import { BodySchema } from "../models/body.ts";
import { DailySchema } from "../models/daily.ts";
import { MenstruationSchema } from "../models/menstruation.ts";
import { NutritionSchema } from "../models/nutrition.ts";
import { SleepSchema } from "../models/sleep.ts";
import { ref } from "../typebox.ts";
import { defineEvent, eventUser, looseStatus } from "./define-event.ts";

/** `{ type, user, data: [Model], version }`; `data` may be empty but is always present. */
function dataEvent<T extends Exclude<DataType, "athlete">, M extends TSchema>(type: T, title: string, model: M) {
  return defineEvent(title, type, {
    type: Type.Literal(type),
    status: looseStatus(),
    user: eventUser(),
    data: Type.Array(ref(model)),
    version: Type.String(),
  });
}

export const ActivityEventSchema = dataEvent("activity", "ActivityEvent", ActivitySchema);
export type ActivityEvent = Static<typeof ActivityEventSchema>;

export const BodyEventSchema = dataEvent("body", "BodyEvent", BodySchema);
export type BodyEvent = Static<typeof BodyEventSchema>;

export const DailyEventSchema = dataEvent("daily", "DailyEvent", DailySchema);
export type DailyEvent = Static<typeof DailyEventSchema>;

export const SleepEventSchema = dataEvent("sleep", "SleepEvent", SleepSchema);
export type SleepEvent = Static<typeof SleepEventSchema>;

export const NutritionEventSchema = dataEvent("nutrition", "NutritionEvent", NutritionSchema);
export type NutritionEvent = Static<typeof NutritionEventSchema>;

export const MenstruationEventSchema = dataEvent("menstruation", "MenstruationEvent", MenstruationSchema);
export type MenstruationEvent = Static<typeof MenstruationEventSchema>;

/** The profile event carries a single `athlete` object instead of a `data` array. */
export const AthleteEventSchema = defineEvent("AthleteEvent", "athlete", {
  type: Type.Literal("athlete"),
  status: looseStatus(),
  user: eventUser(),
  athlete: ref(AthleteSchema),
  version: Type.String(),
});
export type AthleteEvent = Static<typeof AthleteEventSchema>;

export interface DataEventByType {
  activity: ActivityEvent;
  body: BodyEvent;
  daily: DailyEvent;
  sleep: SleepEvent;
  nutrition: NutritionEvent;
  menstruation: MenstruationEvent;
  athlete: AthleteEvent;
}
/** A data event; `DataEvent<'sleep'>` narrows to the sleep event. */
export type DataEvent<T extends DataType = DataType> = DataEventByType[T];
