import { builtInSchemas, DATA_TYPES, modelSchemaId, TERRA_USER_SCHEMA_ID } from "@tributary/schemas";

type JsonSchema = Record<string, unknown>;

/** `$ref` to a schema of the document's components. */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/**
 * The Terra Standard models (and everything they refer to) as OpenAPI components, from the same schemas
 * that validate every record: each registered schema under its title, its `$ref`s to registered ids
 * rewritten to component references, so the document stands alone.
 */
export function terraComponents(): Record<string, JsonSchema> {
  const byId = new Map<string, JsonSchema>();
  for (const schema of builtInSchemas()) {
    const plain = JSON.parse(JSON.stringify(schema)) as JsonSchema;
    byId.set(String(plain.$id), plain);
  }
  const nameOf = (id: string): string => {
    const schema = byId.get(id);
    if (!schema || typeof schema.title !== "string") throw new Error(`schema ${id} has no title to name its component`);
    return schema.title;
  };
  const components: Record<string, JsonSchema> = {};
  const visit = (id: string): void => {
    const name = nameOf(id);
    if (components[name]) return;
    const { $id: _id, $schema: _dialect, ...schema } = byId.get(id)!;
    const referenced: string[] = [];
    components[name] = rewriteRefs(schema, (target) => {
      referenced.push(target);
      return `#/components/schemas/${nameOf(target)}`;
    }) as JsonSchema;
    referenced.forEach(visit);
  };
  [TERRA_USER_SCHEMA_ID, ...DATA_TYPES.map(modelSchemaId)].forEach(visit);
  return components;
}

function rewriteRefs(value: unknown, rename: (id: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, rename));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === "$ref" && typeof item === "string" ? rename(item) : rewriteRefs(item, rename)]),
  );
}
