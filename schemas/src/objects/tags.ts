import { Type, type Static } from "@sinclair/typebox";
import { dateTime, list, subObject } from "../typebox.ts";

/** A user-entered tag such as "hot_shower"; every field is required. */
export const TagEntrySchema = subObject("TagEntry", {
  timestamp: dateTime(),
  tag_name: Type.String(),
  notes: Type.String(),
});
export type TagEntry = Static<typeof TagEntrySchema>;

export const TagDataSchema = subObject("TagData", {
  tags: list(TagEntrySchema),
});
export type TagData = Static<typeof TagDataSchema>;
