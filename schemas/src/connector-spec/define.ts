import { Type, type Static, type TSchema, type TUnsafe } from "@sinclair/typebox";

/** Where every part of the connector meta-schema lives: its own id space, not the Terra Standard's. */
export const CONNECTOR_SPEC_BASE_URL = "https://tributary.dev/schemas/connector-spec/v1" as const;
export const connectorSpecPartId = (slug: string): string => `${CONNECTOR_SPEC_BASE_URL}/${slug}.json`;

/**
 * A union discriminated by one property, as `oneOf` + `discriminator`: Ajv then reports the mistakes of
 * the branch the tag names ("auth.tokenUrl is required") instead of every branch's.
 */
export function tagged<T extends TSchema[]>(propertyName: string, variants: [...T], options: { description?: string } = {}): TUnsafe<Static<T[number]>> {
  // The tag's values, listed on the tag itself, let a wrong one be reported with the right ones.
  const values = variants.map((variant) => (variant["properties"] as Record<string, { const?: unknown }> | undefined)?.[propertyName]?.const);
  if (values.some((value) => typeof value !== "string")) throw new TypeError(`every variant of a tagged union needs a literal "${propertyName}"`);
  const tag = { type: "string", enum: values, description: `One of: ${values.join(", ")}.` };
  return Type.Unsafe<Static<T[number]>>({
    type: "object",
    required: [propertyName],
    properties: { [propertyName]: tag },
    oneOf: variants,
    discriminator: { propertyName },
    ...options,
  });
}

/** An object that accepts no unknown keys: a typo in a partner's YAML is an error that names the key. */
export function closed<P extends Parameters<typeof Type.Object>[0]>(properties: P, options: { description?: string; $id?: string; title?: string } = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A JSON pointer (RFC 6901) into a provider document: "" is the document itself, "/a/0/b" a path. */
const POINTER_EXPECTED = 'a JSON pointer such as "/id" or "/data/items" ("" for the whole document)';
export const Pointer = (description: string) => Type.String({ pattern: "^(/.*)?$", expected: POINTER_EXPECTED, description });

/**
 * Text with `{placeholder}` substitutions: URLs, paths, query values, headers and bodies of provider
 * requests. `{{` and `}}` are literal braces. Which variables each place offers: TEMPLATE_CONTEXTS in
 * core/src/spec/template-variables.ts.
 */
export const Template = (description: string) => Type.String({ description });

/** A name a connector gives one of its parts (streams, details): it appears in checkpoints, recordings and logs. */
export const PartName = (description: string) =>
  Type.String({
    pattern: "^[a-z][a-z0-9_]*$",
    expected: 'a lower-case name of letters, digits and "_", starting with a letter (e.g. "workouts")',
    description,
  });

/** Positive whole number. */
export const Count = (description: string, extra: { maximum?: number; minimum?: number } = {}) => Type.Integer({ minimum: 1, ...extra, description });

/** How a moment in time is written in a provider's API. */
export const TimeFormat = Type.Union(
  [Type.Literal("date"), Type.Literal("datetime"), Type.Literal("datetime_local"), Type.Literal("unix_seconds"), Type.Literal("unix_ms")],
  {
    description:
      'date: YYYY-MM-DD; datetime: ISO-8601 with offset (UTC "Z" when we write it); datetime_local: ISO-8601 without offset; unix_seconds / unix_ms: epoch numbers.',
  },
);
export type TimeFormat = Static<typeof TimeFormat>;
