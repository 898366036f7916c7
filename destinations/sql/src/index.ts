import { defineDestination } from "@tributary/core/contracts";
import { optionsSchema, type SqlOptions } from "./options.ts";
import { createSqlDestination } from "./sql-destination.ts";

export type { SqlOptions } from "./options.ts";
export { optionsSchema } from "./options.ts";
export { createSqlDestination } from "./sql-destination.ts";
export { DATA_TABLE_TYPES, tableNames, type DataTableType, type TableNames } from "./table-names.ts";
export type { UserState } from "./user-state.ts";

/** PostgreSQL and MySQL/MariaDB: users, one table per data type (full record as JSON), lifecycle events. */
export default defineDestination<SqlOptions>({
  name: "sql",
  optionsSchema,
  secretOptions: ["password", "url"],
  create: createSqlDestination,
});
