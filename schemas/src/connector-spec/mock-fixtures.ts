import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT } from '../version.ts';
import { closed, connectorSpecPartId, Count, Pointer, TimeFormat } from './define.ts';

/*
 * A connector's mock fixtures as files, for connectors without code (partners' YAML connectors): the
 * provider's accounts in `fixtures/users.json`, and per pull stream `fixtures/<stream name>.json` with
 * its records and the answers of its detail requests. What `tributary mock` serves and the connector's
 * tests read back; see docs/connectors.md ("Fixtures").
 */

export const MOCK_USERS_SCHEMA_ID = connectorSpecPartId('mock-users');
export const MOCK_STREAM_FIXTURE_SCHEMA_ID = connectorSpecPartId('mock-stream-fixture');

/** One account the mock provider knows. */
export const MockUserSchema = closed({
  id: Type.Union([Type.String({ minLength: 1 }), Type.Integer()], { description: "The provider's user id, as the provider writes it." }),
  username: Type.Optional(Type.String({ description: 'Login at the consent page and for the password grant.' })),
  password: Type.Optional(Type.String()),
  token: Type.Optional(Type.String({ description: 'The token the user pastes (bearer_token auth).' })),
  apiKey: Type.Optional(Type.String({ description: 'The user\'s API key (api_key auth).' })),
  profile: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'What the profile request answers besides the id.' })),
});

export const MockUsersSchema = Type.Array(MockUserSchema, {
  $schema: JSON_SCHEMA_DIALECT,
  $id: MOCK_USERS_SCHEMA_ID,
  title: 'MockUsers',
  minItems: 1,
  description: 'fixtures/users.json: the accounts of the mock provider.',
});
export type MockUsersFile = Static<typeof MockUsersSchema>;

const Records = Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'Provider records, as the stream\'s request answers them.' });

export const StreamFixtureFileSchema = Type.Object(
  {
    records: Type.Union([Records, Type.Record(Type.String(), Records)], {
      description: 'Records every user sees (a list), or each user\'s (an object keyed by provider user id).',
    }),
    time: Type.Optional(closed({ path: Pointer('A time field of each record, e.g. "/start_time".'), format: TimeFormat }, {
      description: 'Each record\'s time, to answer only the records inside a requested window. @default the stream\'s checkpoint',
    })),
    envelope: Type.Optional(Type.Unknown({ description: 'The document each page is written into (Withings: { "status": 0 }).' })),
    single: Type.Optional(Type.Boolean({
      description: 'The endpoint answers one object, not a list (Strava /athlete, a day\'s summary): the first record inside the window; when there is none, the envelope (what the provider answers for an empty day), else a 404. Not with paging. @default false',
    })),
    pageSize: Type.Optional(Count('Records per page when neither the spec nor the request sets a size. @default 50')),
    maxPageSize: Type.Optional(Count('A larger page size asked for is cut to this.')),
    details: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), {
      description: 'Per detail request (by its name): the answer for each record, keyed by the record\'s id (the stream\'s `id`). A record without one is answered 404.',
    })),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: MOCK_STREAM_FIXTURE_SCHEMA_ID,
    title: 'MockStreamFixture',
    additionalProperties: false,
    description: 'fixtures/<stream name>.json: what the mock provider answers for one pull stream.',
  },
);
export type StreamFixtureFile = Static<typeof StreamFixtureFileSchema>;
