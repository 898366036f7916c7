/** Terra's data types: each has a model and a webhook data event of the same name. */
export const DATA_TYPES = ["activity", "body", "daily", "sleep", "nutrition", "menstruation", "athlete"] as const;
export type DataType = (typeof DATA_TYPES)[number];

export function isDataType(value: unknown): value is DataType {
  return typeof value === "string" && (DATA_TYPES as readonly string[]).includes(value);
}
