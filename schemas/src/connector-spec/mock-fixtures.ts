import { Type, type Static } from "@sinclair/typebox";
import { JSON_SCHEMA_DIALECT } from "../version.ts";
import { closed, connectorSpecPartId, Count, Pointer, TimeFormat } from "./define.ts";

/*
 * A connector's mock fixtures as files, for connectors without code (partners' YAML connectors): the
 * provider's accounts in `fixtures/users.json`, per pull stream `fixtures/<stream name>.json` with its
 * records and the answers of its detail requests, the answers at URLs pushes name in
 * `fixtures/urls.json`, and how the provider answers what the spec does not say in
 * `fixtures/provider.json`. What `tributary mock` serves and the connector's tests read back; see
 * docs/connectors.md ("Mock fixtures").
 */

export const MOCK_USERS_SCHEMA_ID = connectorSpecPartId("mock-users");
export const MOCK_STREAM_FIXTURE_SCHEMA_ID = connectorSpecPartId("mock-stream-fixture");
export const MOCK_URLS_SCHEMA_ID = connectorSpecPartId("mock-urls");
export const MOCK_PROVIDER_SCHEMA_ID = connectorSpecPartId("mock-provider");

/** The error bodies the mock kit can write, by provider (`generic`: RFC 6750). */
export const MOCK_ERROR_SHAPES = ["generic", "strava", "fitbit", "oura", "withings", "xert", "peloton"] as const;

/** One account the mock provider knows. */
export const MockUserSchema = closed({
  id: Type.Union([Type.String({ minLength: 1 }), Type.Integer()], { description: "The provider's user id, as the provider writes it." }),
  username: Type.Optional(Type.String({ description: "Login at the consent page and for the password grant." })),
  password: Type.Optional(Type.String()),
  token: Type.Optional(Type.String({ description: "The token the user pastes (bearer_token auth)." })),
  apiKey: Type.Optional(Type.String({ description: "The user's API key (api_key auth)." })),
  profile: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "What the profile request answers besides the id." })),
  scopes: Type.Optional(
    Type.Array(Type.String(), {
      description:
        "What the user granted, as the spec's auth.grantedScopes request answers it (Garmin's permissions). @default the scopes of the token it is asked with",
    }),
  ),
});

export const MockUsersSchema = Type.Array(MockUserSchema, {
  $schema: JSON_SCHEMA_DIALECT,
  $id: MOCK_USERS_SCHEMA_ID,
  title: "MockUsers",
  minItems: 1,
  description: "fixtures/users.json: the accounts of the mock provider.",
});
export type MockUsersFile = Static<typeof MockUsersSchema>;

const Records = Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: "Provider records, as the stream's request answers them." });

export const StreamFixtureFileSchema = Type.Object(
  {
    records: Type.Union([Records, Type.Record(Type.String(), Records)], {
      description: "Records every user sees (a list), or each user's (an object keyed by provider user id).",
    }),
    time: Type.Optional(
      closed(
        { path: Pointer('A time field of each record, e.g. "/start_time".'), format: TimeFormat },
        {
          description: "Each record's time, to answer only the records inside a requested window. @default the stream's checkpoint",
        },
      ),
    ),
    envelope: Type.Optional(Type.Unknown({ description: 'The document each page is written into (Withings: { "status": 0 }).' })),
    single: Type.Optional(
      Type.Boolean({
        description:
          "The endpoint answers one object, not a list (Strava /athlete, a day's summary): the first record inside the window; when there is none, the envelope (what the provider answers for an empty day), else a 404. Not with paging. @default false",
      }),
    ),
    pageSize: Type.Optional(Count("Records per page when neither the spec nor the request sets a size. @default 50")),
    maxPageSize: Type.Optional(Count("A larger page size asked for is cut to this.")),
    details: Type.Optional(
      Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), {
        description:
          "Per detail request (by its name): the answer for each record, keyed by the record's id (the stream's `id`). A record without one gets `emptyDetails`, else a 404.",
      }),
    ),
    emptyDetails: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'Per detail request (by its name): what the provider answers for a record it has nothing for (Oura\'s lists: { "data": [], "next_token": null }). Without one, such a record is answered 404.',
      }),
    ),
    transaction: Type.Optional(
      closed(
        {
          collection: Type.String({
            pattern: "^[A-Za-z0-9._-]+$",
            description: "The path segment of an item's URL below its transaction's (Polar: \"exercises\").",
          }),
          size: Type.Optional(Count("Items one transaction holds at most; the rest wait for the next. @default 50")),
          expiresSeconds: Type.Optional(
            Count("Seconds an uncommitted transaction stays open; after them its items go into the next transaction. @default 600"),
          ),
          uri: Type.Optional(Pointer('Where the create answer also holds the transaction\'s URL (Polar: "/resource-uri").')),
          parts: Type.Optional(
            Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), {
              description:
                "Per part (by its name): the value its `select` points at for each item, keyed by the item's id (a `links` part: the list of linked answers). An item without one gets a 404.",
            }),
          ),
        },
        {
          description: "A transaction stream: its `records` are the items, each offered in a transaction until one holding it is committed.",
        },
      ),
    ),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: MOCK_STREAM_FIXTURE_SCHEMA_ID,
    title: "MockStreamFixture",
    additionalProperties: false,
    description: "fixtures/<stream name>.json: what the mock provider answers for one pull stream.",
  },
);
export type StreamFixtureFile = Static<typeof StreamFixtureFileSchema>;

/** One answer at a URL a push names (Garmin's ping callbackURL), which no stream of the spec describes. */
export const MockUrlAnswerSchema = Type.Object(
  {
    path: Type.String({ pattern: "^/", description: 'The URL path, base path included, decoded ("/wellness-api/rest/sleeps").' }),
    query: Type.Optional(Type.Record(Type.String(), Type.String(), { description: "Query parameters the URL must have (others are not compared)." })),
    user: Type.Optional(Type.String({ description: "The provider user id whose token may fetch it. @default any user" })),
    status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: "@default 200" })),
    body: Type.Optional(Type.Unknown({ description: "The answer, as JSON." })),
    bodyBase64: Type.Optional(
      Type.String({ description: "Instead of body: the answer's bytes (a file: Garmin's activity FIT files), base64, sent as application/octet-stream." }),
    ),
  },
  {
    additionalProperties: false,
    anyOf: [
      { required: ["body"], properties: { body: true } },
      { required: ["bodyBase64"], properties: { bodyBase64: true } },
    ],
    not: { required: ["body", "bodyBase64"], properties: { body: true, bodyBase64: true } },
    description: "body or bodyBase64, not both.",
  },
);

export const MockUrlsSchema = Type.Array(MockUrlAnswerSchema, {
  $schema: JSON_SCHEMA_DIALECT,
  $id: MOCK_URLS_SCHEMA_ID,
  title: "MockUrls",
  description: "fixtures/urls.json: what the mock provider answers at URLs pushes name (pull_url), each GET with a user's token.",
});
export type MockUrlsFile = Static<typeof MockUrlsSchema>;

export const MockProviderSchema = Type.Object(
  {
    errors: Type.Optional(
      Type.Union(
        MOCK_ERROR_SHAPES.map((name) => Type.Literal(name)),
        { description: 'How the provider writes its error bodies. @default "generic"' },
      ),
    ),
    rateLimited: Type.Optional(
      closed(
        {
          retryAfter: Type.Boolean({
            description: "The provider sends Retry-After with a 429 (false: Strava, WHOOP, Polar, Wahoo — only their rate-limit headers, if any).",
          }),
        },
        { description: 'What a refused (429) answer carries besides the rate-limit headers the spec declares. @default { "retryAfter": true }' },
      ),
    ),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: MOCK_PROVIDER_SCHEMA_ID,
    title: "MockProvider",
    additionalProperties: false,
    description: "fixtures/provider.json: how the mock provider answers where the connector spec does not say.",
  },
);
export type MockProviderFile = Static<typeof MockProviderSchema>;
