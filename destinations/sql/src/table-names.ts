/** Data types with a table of their own; equal to the contracts' DATA_EVENT_TYPES (a test checks). */
export const DATA_TABLE_TYPES = ["activity", "sleep", "daily", "body", "nutrition", "menstruation", "athlete"] as const;

export type DataTableType = (typeof DATA_TABLE_TYPES)[number];

export function isDataTableType(type: string): type is DataTableType {
  return (DATA_TABLE_TYPES as readonly string[]).includes(type);
}

/** Unqualified table names; each dialect quotes and qualifies them. */
export interface TableNames {
  prefix: string;
  users: string;
  events: string;
  schemaVersion: string;
  data: Record<DataTableType, string>;
}

export function tableNames(prefix: string): TableNames {
  const data = Object.fromEntries(DATA_TABLE_TYPES.map((type) => [type, `${prefix}${type}`])) as Record<DataTableType, string>;
  return { prefix, users: `${prefix}users`, events: `${prefix}events`, schemaVersion: `${prefix}schema_version`, data };
}
