import { Type, type Static, type TSchema, type TUnsafe, type TObject, type TProperties } from "@sinclair/typebox";
import { DATE_OR_DATE_TIME_FORMAT, DATE_TIME_FORMAT } from "./formats.ts";
import { documentSchemaId, objectSchemaId } from "./ids.ts";
import { kebabCase } from "./kebab-case.ts";
import { JSON_SCHEMA_DIALECT } from "./version.ts";

/**
 * Terra marks nearly every field optional AND nullable ("anyOf: [X, null]"): absent and null both mean
 * the provider did not report it, and consumers must accept both.
 */
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const optionalNullable = <T extends TSchema>(schema: T) => Type.Optional(nullable(schema));

/**
 * A `$ref` to a registered schema that keeps the referenced static type. Shared sub-objects are separate
 * registry entries so each is compiled once and addressable by name (e.g. "HeartRateData").
 */
export function ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  if (typeof schema.$id !== "string") throw new TypeError("ref() needs a schema with an $id");
  return Type.Unsafe<Static<T>>({ $ref: schema.$id });
}

/** Optional, nullable number; `minimum`/`maximum` sit on the number branch so `null` stays valid. */
export const num = (options: { minimum?: number; maximum?: number; deprecated?: boolean } = {}) => {
  const { deprecated, ...range } = options;
  return Type.Optional(Type.Union([Type.Number(range), Type.Null()], deprecated ? { deprecated } : {}));
};
export const int = (options: { minimum?: number; maximum?: number } = {}) => Type.Optional(Type.Union([Type.Integer(options), Type.Null()]));
export const str = () => optionalNullable(Type.String());
export const bool = () => optionalNullable(Type.Boolean());

export const dateTime = () => Type.String({ format: DATE_TIME_FORMAT });
export const dateOrDateTime = () => Type.String({ format: DATE_OR_DATE_TIME_FORMAT });
/** Optional, nullable ISO-8601 timestamp (the usual sample `timestamp`). */
export const timestamp = () => optionalNullable(dateTime());

/** Optional, nullable array of a registered sub-object. */
export const list = <T extends TSchema>(item: T) => optionalNullable(Type.Array(ref(item)));
/** Optional, nullable registered sub-object. */
export const child = <T extends TSchema>(schema: T) => optionalNullable(ref(schema));

/** `{ name: weight }` maps that explain enrichment scores. */
export const contributors = () => optionalNullable(Type.Unsafe<Record<string, number>>({ type: "object", additionalProperties: { type: "number" } }));

/** `[latitude, longitude]` in degrees. */
export const latLng = () => optionalNullable(Type.Unsafe<[number, number]>({ type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 }));

interface ObjectOptions {
  description?: string;
  /** Defaults to the kebab-cased title. */
  slug?: string;
}

/**
 * A registered sub-object. `title` is Terra's schema name so that names like "LapSample" resolve.
 * No `additionalProperties: false`: Terra promises parsers tolerate fields added later.
 */
export function subObject<P extends TProperties>(title: string, properties: P, options: ObjectOptions = {}): TObject<P> {
  const { slug = kebabCase(title), ...rest } = options;
  return Type.Object(properties, { $schema: JSON_SCHEMA_DIALECT, $id: objectSchemaId(slug), title, ...rest });
}

/** A registered top-level document (the models, TerraUser, the envelope). */
export function document<P extends TProperties>(title: string, slug: string, properties: P, options: Omit<ObjectOptions, "slug"> = {}): TObject<P> {
  return Type.Object(properties, { $schema: JSON_SCHEMA_DIALECT, $id: documentSchemaId(slug), title, ...options });
}

interface EnumSchemaCarrier<C> {
  readonly schema: TUnsafe<C>;
}
/** Optional, nullable enum field (a `$ref` to the enum's own schema, whose title names it in errors). */
export const enumField = <C>(table: EnumSchemaCarrier<C>) => optionalNullable(ref(table.schema));
/** Required, non-null enum field. */
export const requiredEnum = <C>(table: EnumSchemaCarrier<C>) => ref(table.schema);
