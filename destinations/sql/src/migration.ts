import type { TableNames } from "./table-names.ts";

/** One step of the schema. Append new steps; never edit a released one (databases already ran it). */
export interface Migration {
  version: number;
  description: string;
  /** DDL statements for the given tables; each dialect quotes and qualifies the names itself. */
  statements(tables: TableNames): string[];
}

/** The version a fully migrated database is at. */
export const latestVersion = (migrations: readonly Migration[]): number => migrations.reduce((max, m) => Math.max(max, m.version), 0);
