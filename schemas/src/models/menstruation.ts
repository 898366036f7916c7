import type { Static } from "@sinclair/typebox";
import { TimestampLocalization } from "../enums/timestamp-localization.ts";
import { MenstruationDataSchema } from "../objects/menstruation.ts";
import { child, dateTime, document, enumField, ref, subObject } from "../typebox.ts";

export const MenstruationMetadataSchema = subObject("MenstruationMetadata", {
  end_time: dateTime(),
  start_time: dateTime(),
  timestamp_localization: enumField(TimestampLocalization),
});
export type MenstruationMetadata = Static<typeof MenstruationMetadataSchema>;

/** Cycle state of one day. */
export const MenstruationSchema = document("Menstruation", "menstruation", {
  metadata: ref(MenstruationMetadataSchema),
  menstruation_data: child(MenstruationDataSchema),
});
export type Menstruation = Static<typeof MenstruationSchema>;
