import { invalidArgument } from "./state-errors.ts";

// Lower-case only: an unquoted name in `search_path` is folded to lower case, so anything else would
// silently point at a different schema than the one we created.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw invalidArgument(`schema name must match ${SCHEMA_NAME.source}, got ${JSON.stringify(schema)}`);
  }
  return schema;
}
