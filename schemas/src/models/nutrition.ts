import type { Static } from "@sinclair/typebox";
import { TimestampLocalization } from "../enums/timestamp-localization.ts";
import { DrinkSampleSchema, MealSchema, NutritionSummarySchema } from "../objects/nutrition.ts";
import { child, dateTime, document, enumField, list, ref, subObject } from "../typebox.ts";

export const NutritionMetadataSchema = subObject("NutritionMetadata", {
  end_time: dateTime(),
  start_time: dateTime(),
  timestamp_localization: enumField(TimestampLocalization),
});
export type NutritionMetadata = Static<typeof NutritionMetadataSchema>;

/** Food and drink logged over one day. */
export const NutritionSchema = document("Nutrition", "nutrition", {
  drink_samples: list(DrinkSampleSchema),
  meals: list(MealSchema),
  metadata: ref(NutritionMetadataSchema),
  summary: child(NutritionSummarySchema),
});
export type Nutrition = Static<typeof NutritionSchema>;
