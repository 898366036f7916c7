import { builtInAliases } from "./built-in-aliases.ts";
import { builtInSchemas } from "./built-in-schemas.ts";
import { SchemaRegistry } from "./registry.ts";

let registry: SchemaRegistry | undefined;

/**
 * The process-wide registry holding every Terra Standard schema. Built on first call; each schema is
 * compiled once, on its first validation.
 */
export function getSchemaRegistry(): SchemaRegistry {
  if (registry === undefined) {
    const fresh = new SchemaRegistry();
    for (const schema of builtInSchemas()) fresh.add(schema);
    for (const [name, id] of builtInAliases()) fresh.alias(name, id);
    registry = fresh;
  }
  return registry;
}

/** `$id` for a friendly name: "activity", "Activity", "ActivityEvent", "auth", "TerraUser", "webhook"... */
export function resolveSchema(name: string): string | undefined {
  return getSchemaRegistry().resolve(name);
}
