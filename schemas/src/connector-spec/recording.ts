import { Type, type Static } from "@sinclair/typebox";
import { JSON_SCHEMA_DIALECT } from "../version.ts";
import { closed, connectorSpecPartId } from "./define.ts";

export const RECORDED_EXCHANGE_SCHEMA_ID = connectorSpecPartId("recording");

const Method = Type.Union(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].map((m) => Type.Literal(m)));
const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/**
 * One recorded provider exchange: a file of a recordings folder. A request matches it when the method
 * and path are equal and every query parameter (and body field) the file names has the value it gives;
 * what the file does not name is not compared. See docs/recordings.md.
 */
export const RecordedExchangeSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ description: "What this exchange shows (kept by the recorder; free text)." })),
    request: closed({
      method: Method,
      path: Type.String({ pattern: "^/", description: 'The URL path, base path included, decoded ("/v2/usercollection/sleep").' }),
      query: Type.Optional(
        Type.Record(Type.String(), Type.Union([Scalar, Type.Array(Type.String(), { minItems: 1 })]), {
          description: "Query parameters that must have these values (a list: a repeated parameter, in order).",
        }),
      ),
      body: Type.Optional(
        Type.Record(Type.String(), Type.Unknown(), {
          description: "Fields of a form or JSON-object request body that must have these values (Withings sends action=getmeas in the body).",
        }),
      ),
    }),
    response: Type.Object(
      {
        status: Type.Integer({ minimum: 100, maximum: 599 }),
        headers: Type.Optional(Type.Record(Type.String(), Type.String())),
        body: Type.Optional(Type.Unknown({ description: "A string is the body as text; any other JSON value is sent as JSON." })),
        bodyBase64: Type.Optional(Type.String({ description: "A binary body (FIT files), base64." })),
      },
      {
        additionalProperties: false,
        not: { required: ["body", "bodyBase64"], properties: { body: true, bodyBase64: true } },
        description: "body or bodyBase64, not both.",
      },
    ),
  },
  { $schema: JSON_SCHEMA_DIALECT, $id: RECORDED_EXCHANGE_SCHEMA_ID, title: "RecordedExchange", additionalProperties: false },
);
export type RecordedExchange = Static<typeof RecordedExchangeSchema>;
