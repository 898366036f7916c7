import { Type, type Static } from "@sinclair/typebox";
import { DATA_TYPES } from "../data-types.ts";
import { JSON_SCHEMA_DIALECT } from "../version.ts";
import { AuthSpec } from "./auth.ts";
import { closed, Count, connectorSpecPartId } from "./define.ts";
import { HttpSpec, RequestSpec } from "./http.ts";
import { MappingSpecSchema, type MappingSpec } from "./mapping.ts";
import { StreamSpec } from "./streams.ts";
import { WebhookSpec } from "./webhook.ts";

export const CONNECTOR_SPEC_SCHEMA_ID = connectorSpecPartId("connector");

const dataTypeKeys = { propertyNames: { enum: [...DATA_TYPES], title: "data type" } };

/** How often and how far back a connector syncs. */
export const SyncSpec = closed({
  backfillDays: Type.Optional(Count("Days of history pulled when a user connects. @default 28")),
  maxHistoryDays: Type.Optional(Count("The furthest back the provider serves data; every window is clamped to it.")),
  pollIntervalSeconds: Type.Optional(Count("Scheduled pull interval for providers that do not push. Omit for push-only providers.")),
  pollJitterSeconds: Type.Optional(
    Type.Integer({ minimum: 0, description: "Spread each user's polls by up to this much (Peloton locks accounts polled in lockstep)." }),
  ),
  minPollIntervalSeconds: Type.Optional(Count("Never poll one user more often than this, whatever the operator sets (Peloton: 3600).")),
  reconcileDays: Type.Optional(Count("Push providers: days re-pulled once a day to catch missed pushes. @default 2")),
  backfillRequests: Type.Optional(
    Type.Record(
      Type.String(),
      Type.Union([RequestSpec, Type.Array(RequestSpec, { minItems: 1 })], {
        expected: "a request, or a non-empty list of requests",
        description: "The request, or one per provider summary type the data type's history comes from (Garmin's day: dailies, epochs, user metrics).",
      }),
      {
        ...dataTypeKeys,
        description: "Data types whose history is requested asynchronously (Garmin: GET /backfill/…, 202) and then arrives by push, instead of pulled.",
      },
    ),
  ),
});

/** A setting the operator passes in providers.<NAME>.options, readable in templates as `{options.<name>}`. */
export const OptionSpec = closed({
  description: Type.String(),
  default: Type.Optional(Type.String()),
  required: Type.Optional(Type.Boolean()),
  secret: Type.Optional(Type.Boolean({ description: "Redacted from logs and `tributary check`." })),
});

/**
 * A connector, as data: identity, auth, HTTP behaviour, pull streams, mappings and the push webhook.
 * Partners write it as `connector.yaml`; TypeScript connectors pass the same object to
 * `defineConnector` with hooks for what data cannot say.
 */
export const ConnectorSpecSchema = Type.Object(
  {
    name: Type.String({
      pattern: "^[A-Z][A-Z0-9_]*$",
      expected: 'a provider name in capitals, digits and "_" (e.g. "PELOTON")',
      description: "The provider as Terra spells it: PELOTON, XERT, INSIDERS.",
    }),
    displayName: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    icon: Type.Optional(Type.String({ description: "An SVG file beside the spec, or an https/data URL." })),
    website: Type.Optional(Type.String()),
    dataTypes: Type.Array(
      Type.Union(
        DATA_TYPES.map((t) => Type.Literal(t)),
        { title: "data type" },
      ),
      { minItems: 1, uniqueItems: true, description: "The Terra data types the connector serves." },
    ),
    auth: AuthSpec,
    http: Type.Optional(HttpSpec),
    streams: Type.Optional(
      Type.Record(Type.String(), Type.Array(StreamSpec, { minItems: 1 }), { ...dataTypeKeys, description: "Pull streams per data type." }),
    ),
    mappings: Type.Optional(
      Type.Record(Type.String(), Type.Unsafe<MappingSpec>({ $ref: MappingSpecSchema.$id }), {
        description: "Named mappings; a stream or webhook uses the one named after its data type unless it names another.",
      }),
    ),
    webhook: Type.Optional(WebhookSpec),
    sync: Type.Optional(SyncSpec),
    options: Type.Optional(
      Type.Record(Type.String(), OptionSpec, {
        propertyNames: { pattern: "^[A-Za-z][A-Za-z0-9_]*$", expected: 'a name of letters, digits and "_", starting with a letter' },
        description: "Settings the operator passes in providers.<NAME>.options, read in templates as {options.<name>}.",
      }),
    ),
  },
  { $schema: JSON_SCHEMA_DIALECT, $id: CONNECTOR_SPEC_SCHEMA_ID, title: "ConnectorSpec", additionalProperties: false },
);
export type ConnectorSpec = Static<typeof ConnectorSpecSchema>;
