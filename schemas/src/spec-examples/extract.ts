import { isEventType } from "../event-types.ts";
import { WEBHOOK_EVENT_SCHEMA_ID } from "../ids.ts";
import { PAYLOAD_VERSION } from "../version.ts";
import type { ExtractedSpecExamples, SkippedSpecExample, SpecExample } from "./types.ts";

type Json = Record<string, unknown>;
type Resolve = (name: string) => string | undefined;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * Finds every example in an OpenAPI 3.1 document that is a Terra Standard payload, and pairs it with the
 * project schema it must satisfy:
 * - webhook request bodies (and any request/response body of `paths`): a body with a string `type` is a
 *   webhook event and goes through the envelope; otherwise the media schema's `$ref` picks the schema, and
 *   inline objects are checked property by property (`user` -> TerraUser, `data[]` -> the model);
 * - `components.schemas.<Name>` examples, and the examples of its properties, against our schema of the
 *   same name (property examples against `<id>#/properties/<prop>`, so a field missing on our side fails).
 * Examples that map to no project schema are returned as `skipped` with the reason.
 */
export function extractSpecExamples(spec: unknown, resolve: Resolve): ExtractedSpecExamples {
  const found: ExtractedSpecExamples = { examples: [], skipped: [] };
  if (!isObject(spec)) return found;
  const components = isObject(spec["components"]) ? spec["components"] : {};
  const ctx: Context = { found, resolve, componentSchemas: isObject(components["schemas"]) ? components["schemas"] : {} };

  for (const [name, item] of entries(spec["webhooks"])) collectOperations(ctx, `webhooks.${name}`, item);
  for (const [path, item] of entries(spec["paths"])) collectOperations(ctx, `paths.${path}`, item);
  for (const [name, response] of entries(components["responses"])) collectContent(ctx, `components.responses.${name}`, response);
  for (const [name, schema] of entries(ctx.componentSchemas)) collectComponentSchema(ctx, name, schema);
  return found;
}

interface Context {
  found: ExtractedSpecExamples;
  resolve: Resolve;
  componentSchemas: Json;
}

function entries(value: unknown): Array<[string, unknown]> {
  return isObject(value) ? Object.entries(value) : [];
}

function collectOperations(ctx: Context, location: string, pathItem: unknown): void {
  for (const [method, operation] of entries(pathItem)) {
    if (!HTTP_METHODS.includes(method) || !isObject(operation)) continue;
    const where = `${location}.${method}`;
    collectContent(ctx, `${where}.requestBody`, operation["requestBody"]);
    for (const [status, response] of entries(operation["responses"])) collectContent(ctx, `${where}.responses.${status}`, response);
  }
}

/** A requestBody or response: `content.<media>.example(s)`. */
function collectContent(ctx: Context, location: string, holder: unknown): void {
  if (!isObject(holder)) return;
  for (const [media, mediaObject] of entries(holder["content"])) {
    if (!isObject(mediaObject)) continue;
    // Webhook examples are the point of the check; keep their location short ("webhooks.auth").
    const where = location.startsWith("webhooks.") ? location.split(".").slice(0, 2).join(".") : `${location}.${media}`;
    for (const { name, value } of mediaExamples(mediaObject)) addBodyExample(ctx, where, name, value, mediaObject["schema"]);
  }
}

function mediaExamples(mediaObject: Json): Array<{ name?: string; value: unknown }> {
  const found: Array<{ name?: string; value: unknown }> = [];
  if ("example" in mediaObject) found.push({ value: mediaObject["example"] });
  for (const [name, example] of entries(mediaObject["examples"])) {
    if (isObject(example) && "value" in example) found.push({ name, value: example["value"] });
  }
  return found;
}

function refName(schema: unknown): string | undefined {
  if (!isObject(schema) || typeof schema["$ref"] !== "string") return undefined;
  return schema["$ref"].split("/").pop();
}

function addBodyExample(ctx: Context, location: string, name: string | undefined, value: unknown, schema: unknown): void {
  const skip = (reason: string): void => {
    ctx.found.skipped.push({ location, reason, ...named(name) });
  };
  const add = (targets: string[], anyOf: string[] = [], at = location, item = value): void => {
    ctx.found.examples.push({ location: at, value: item, targets, ...(anyOf.length > 0 ? { anyOf } : {}), ...named(name) });
  };
  const alternatives = isObject(schema)
    ? [...asArray(schema["oneOf"]), ...asArray(schema["anyOf"])]
        .map(refName)
        .flatMap((n) => (n === undefined ? [] : [ctx.resolve(n)]))
        .filter((id): id is string => id !== undefined)
    : [];

  const type = isObject(value) ? value["type"] : undefined;
  // In `webhooks` every body is an event; elsewhere (`type` on REST acknowledgements) the schema decides.
  if (location.startsWith("webhooks.") && typeof type === "string") {
    if (!isEventType(type)) return skip(`"${type}" events are not part of the Terra Standard ${PAYLOAD_VERSION} schemas`);
    // Through the envelope (as a receiver would), and also against the exact schema(s) the spec names.
    const specific = refName(schema);
    const specificId = specific === undefined ? undefined : ctx.resolve(specific);
    return add(specificId === undefined ? [WEBHOOK_EVENT_SCHEMA_ID] : [WEBHOOK_EVENT_SCHEMA_ID, specificId], alternatives);
  }

  const direct = refName(schema);
  if (direct !== undefined) {
    const id = ctx.resolve(direct);
    return id === undefined ? skip(`${direct} is not a Terra Standard schema`) : add([id]);
  }
  if (alternatives.length > 0) return add([], alternatives);

  // Inline response shapes such as `{ user: TerraUser, data: [Activity] }`, possibly one arm of a oneOf.
  const shapes = (isObject(schema) ? [schema, ...asArray(schema["oneOf"]), ...asArray(schema["anyOf"])] : []).map((shape) => {
    // A `$ref` to a component we have no schema for (e.g. AthleteCollection) may still wrap known parts.
    const component = refName(shape);
    return component === undefined ? shape : ctx.componentSchemas[component];
  });
  for (const shape of shapes) {
    const parts = isObject(value) ? propertyTargets(ctx, shape, value) : [];
    if (parts.length === 0) continue;
    for (const part of parts) add([part.id], [], `${location}.${part.path}`, part.value);
    return;
  }
  skip("not a Terra Standard payload");
}

/** The properties of `value` that an object schema types with a `$ref` (or an array of them) we know. */
function propertyTargets(ctx: Context, shape: unknown, value: Json): Array<{ path: string; id: string; value: unknown }> {
  if (!isObject(shape)) return [];
  const targets: Array<{ path: string; id: string; value: unknown }> = [];
  for (const [property, propertySchema] of entries(shape["properties"])) {
    if (!(property in value)) continue;
    const itemRef = isObject(propertySchema) && propertySchema["type"] === "array" ? refName(propertySchema["items"]) : undefined;
    const ref = itemRef ?? refName(propertySchema) ?? refName(firstAllOf(propertySchema));
    const id = ref === undefined ? undefined : ctx.resolve(ref);
    if (id === undefined) continue;
    const propertyValue = value[property];
    if (itemRef !== undefined && Array.isArray(propertyValue)) {
      propertyValue.forEach((item, index) => targets.push({ path: `${property}[${index}]`, id, value: item }));
    } else {
      targets.push({ path: property, id, value: propertyValue });
    }
  }
  return targets;
}

function firstAllOf(schema: unknown): unknown {
  return isObject(schema) ? asArray(schema["allOf"])[0] : undefined;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const named = (name: string | undefined): { name?: string } => (name === undefined ? {} : { name });

/** Schema-level and property-level examples of `components.schemas.<name>`. */
function collectComponentSchema(ctx: Context, name: string, schema: unknown): void {
  if (!isObject(schema)) return;
  const location = `components.schemas.${name}`;
  const id = ctx.resolve(name);
  const own = schemaExamples(schema);
  const properties = entries(schema["properties"]).map(([property, propertySchema]) => ({
    property,
    examples: isObject(propertySchema) ? schemaExamples(propertySchema) : [],
  }));
  const total = own.length + properties.reduce((sum, p) => sum + p.examples.length, 0);
  if (total === 0) return;
  if (id === undefined) {
    ctx.found.skipped.push({ location, reason: `${name} is not a Terra Standard schema (${total} example${total === 1 ? "" : "s"})` });
    return;
  }
  for (const example of own) ctx.found.examples.push({ location, value: example.value, targets: [id], ...named(example.name) });
  for (const { property, examples } of properties) {
    for (const example of examples) {
      ctx.found.examples.push({
        location: `${location}.properties.${property}`,
        value: example.value,
        targets: [`${id}#/properties/${property}`],
        ...named(example.name),
      });
    }
  }
}

/** JSON Schema `examples` (an array) and OpenAPI's singular `example`. */
function schemaExamples(schema: Json): Array<{ name?: string; value: unknown }> {
  const found: Array<{ name?: string; value: unknown }> = [];
  if ("example" in schema) found.push({ value: schema["example"] });
  asArray(schema["examples"]).forEach((value, index) => found.push({ name: `#${index}`, value }));
  return found;
}

export type { SkippedSpecExample, SpecExample };
