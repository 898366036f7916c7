/** The Terra Standard payload version these schemas describe; it is also the `version` field of data events. */
export const PAYLOAD_VERSION = "2022-03-16" as const;
export type PayloadVersion = typeof PAYLOAD_VERSION;

/** Every schema `$id` lives under this prefix, so a new payload version gets a disjoint id space. */
export const SCHEMA_BASE_URL = `https://tributary.dev/schemas/${PAYLOAD_VERSION}` as const;

/** The dialect every schema is written in. */
export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema" as const;
