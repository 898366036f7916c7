import { Type, type Static } from "@sinclair/typebox";
import { closed, Count, Pointer, tagged, Template, TimeFormat } from "./define.ts";
import { RequestSpec } from "./http.ts";

/** Which configured secret keys a signature: `providers.<NAME>.pushSecret` (default) or the OAuth client secret. */
const SecretSource = Type.Optional(Type.Union([Type.Literal("pushSecret"), Type.Literal("clientSecret")], { description: '@default "pushSecret"' }));

/**
 * How a push is proven to come from the provider. Every scheme compares in constant time over the raw
 * bytes as received.
 */
export const VerifySpec = tagged("scheme", [
  closed(
    {
      scheme: Type.Literal("terra"),
      header: Type.String({ description: 'Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.' }),
      secret: SecretSource,
      toleranceSeconds: Type.Optional(Count("Refuse timestamps further than this from now. @default 300")),
    },
    { description: "Terra's (and Stripe's) scheme, also the default for partners." },
  ),
  closed(
    {
      scheme: Type.Literal("hmac"),
      header: Type.String(),
      algorithm: Type.Union([Type.Literal("sha256"), Type.Literal("sha1"), Type.Literal("sha512")]),
      encoding: Type.Union([Type.Literal("hex"), Type.Literal("base64")]),
      prefix: Type.Optional(Type.String({ description: 'Text before the digest, e.g. "sha256=".' })),
      secret: SecretSource,
      keySuffix: Type.Optional(Type.String({ description: 'Appended to the secret to form the key (Fitbit: "&").' })),
      timestampHeader: Type.Optional(
        Type.String({ description: "A header whose value is signed before the body (Oura x-oura-timestamp, WHOOP X-WHOOP-Signature-Timestamp)." }),
      ),
      timestampUnit: Type.Optional(Type.Union([Type.Literal("seconds"), Type.Literal("ms"), Type.Literal("iso")], { description: '@default "seconds"' })),
      toleranceSeconds: Type.Optional(Count("With a timestamp header: refuse timestamps further than this from now. @default 300")),
    },
    { description: "A digest of [timestamp +] raw body in one header (Fitbit, Oura, WHOOP, Polar)." },
  ),
  closed(
    {
      scheme: Type.Literal("token"),
      in: Type.Union([Type.Literal("body"), Type.Literal("header"), Type.Literal("query")]),
      name: Type.String({ description: 'Body pointer ("/webhook_token"), header or query parameter name.' }),
      secret: SecretSource,
    },
    { description: "A shared token sent with every push (Wahoo webhook_token)." },
  ),
  closed(
    {
      scheme: Type.Literal("hook"),
      description: Type.Optional(Type.String()),
    },
    { description: "The connector's `verify` hook (TypeScript connectors only) checks the raw request." },
  ),
  closed({
    scheme: Type.Literal("none"),
    reason: Type.String({
      description:
        "Why no proof is possible (Strava, Withings, Garmin sign nothing); their pushes carry no data, so the worst a forger can cause is a pull with our own token.",
    }),
    match: Type.Optional(
      closed({
        path: Pointer('A field that must equal a configured value, e.g. Strava "/subscription_id".'),
        setting: Type.String({ description: "Name of the providers.<NAME>.options entry it must equal." }),
      }),
    ),
  }),
]);
export type VerifySpec = Static<typeof VerifySpec>;

/** Subscription handshakes providers make against the callback URL. */
export const HandshakeSpec = tagged("type", [
  closed({
    type: Type.Literal("challenge"),
    param: Type.String({ description: 'Query parameter carrying the challenge (Strava "hub.challenge", Oura "challenge").' }),
    verifyTokenParam: Type.Optional(Type.String({ description: "Query parameter carrying our verify token, compared with providers.<NAME>.verifyToken." })),
    respond: Type.Union([Type.Literal("json"), Type.Literal("text")], { description: 'json: {"<param>": challenge}; text: the bare challenge.' }),
  }),
  closed({
    type: Type.Literal("verify_code"),
    param: Type.String({ description: 'Fitbit "verify": 204 when it equals providers.<NAME>.verifyToken, 404 otherwise.' }),
  }),
  closed({
    type: Type.Literal("head"),
    description: Type.Optional(Type.String({ description: "Withings probes the callback with HEAD and wants a 2xx." })),
  }),
]);
export type HandshakeSpec = Static<typeof HandshakeSpec>;

/** When a rule applies: every pointer must equal its value (compared as text). */
const When = Type.Optional(
  Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), {
    propertyNames: { pattern: "^/", expected: 'a JSON pointer such as "/updates/authorized"' },
    description: 'e.g. { "/updates/authorized": "false" }',
  }),
);

const DataTypeName = Type.String({ description: "A Terra data type: activity, body, daily, sleep, nutrition, menstruation, athlete." });

/** One data type, or several that one notification changes together (Fitbit's activities feed activity logs and the day's summary). */
const WindowDataTypes = Type.Union([DataTypeName, Type.Array(DataTypeName, { minItems: 1, uniqueItems: true })], {
  expected: "a data type (daily), or a non-empty list of distinct ones ([activity, daily])",
  description: "The data type pulled for the window, or a list: each is pulled for the same window.",
});

const MappingName = Type.Optional(Type.String({ description: "The mapping its records go through (Garmin's epochs: daily_epochs). @default the data type" }));

/** What one kind of notification makes us do. */
export const WebhookEventAction = tagged("action", [
  closed({
    action: Type.Literal("pull_window"),
    dataType: WindowDataTypes,
    start: Type.Optional(Pointer("Start of the changed window (ISO-8601, unix s or ms).")),
    end: Type.Optional(Pointer("End of the changed window.")),
    date: Type.Optional(Pointer('A day whose data changed (Fitbit "/date"): the window is that day.')),
    when: When,
  }),
  closed({
    action: Type.Literal("pull_object"),
    dataType: DataTypeName,
    id: Pointer('The object id, e.g. "/object_id".'),
    stream: Type.Optional(Type.String({ description: "Stream whose `object` request fetches it. @default the data type's first stream with one" })),
    when: When,
  }),
  closed({
    action: Type.Literal("pull_url"),
    dataType: DataTypeName,
    url: Pointer("A URL to fetch with the user's credentials (Garmin callbackURL, Polar url); it must be on an allowed origin."),
    records: Type.Optional(Pointer('The records in its answer. @default ""')),
    decode: Type.Optional(
      closed({
        format: Type.Literal("fit", { description: "The answer is a FIT activity file, decoded (by @tributary/fit) into a Terra Activity." }),
        into: Type.String({
          pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
          description: "The record mapped is the notification with the decoded file attached under this key (Garmin's activityFiles: `fit`).",
        }),
      }),
    ),
    mapping: MappingName,
    when: When,
  }),
  closed({
    action: Type.Literal("records"),
    dataType: DataTypeName,
    records: Pointer('The provider records carried in the notification ("" = the notification is the record).'),
    mapping: MappingName,
    when: When,
  }),
  closed({ action: Type.Literal("deauth"), when: When }),
  closed(
    {
      action: Type.Literal("permissions"),
      scopes: Pointer('The scopes the user grants now, a list of text (Garmin "/permissions"); an empty list grants none.'),
      changedAt: Type.Optional(
        Pointer(
          'When the user changed them (ISO 8601, unix s or ms; Garmin "/changeTimeInSeconds"): a change older than the one stored is not applied (a retried push, a job retried after a later change).',
        ),
      ),
      when: When,
    },
    {
      description:
        "The user changed what they share at the provider: the connection's scopes become these, and when they differ from those stored, the developer's destinations receive `permission_change`.",
    },
  ),
  closed({ action: Type.Literal("ignore"), reason: Type.Optional(Type.String()), when: When }),
]);
export type WebhookEventAction = Static<typeof WebhookEventAction>;

/** How one push request splits into notifications. */
export const BatchSpec = tagged("type", [
  closed({ type: Type.Literal("array"), path: Pointer('The array of notifications ("" = the body is the array).') }),
  closed({
    type: Type.Literal("keys"),
    description: Type.Optional(Type.String({ description: "Garmin: each top-level key names the event type and holds an array of notifications." })),
  }),
]);

/** A setting the operator must configure from what creating the subscription answered. */
export const SubscriptionSettingSpec = closed({
  setting: Type.String({
    pattern: "^(pushSecret|options\\.[A-Za-z_][A-Za-z0-9_]*)$",
    expected: "pushSecret, or options.<name> (an option the spec declares)",
    description: "pushSecret (providers.<NAME>.pushSecret: Polar's signature_secret_key) or options.<name> (Strava's options.subscription_id).",
  }),
  path: Pointer('Where the created subscription holds its value ("/id", "/signature_secret_key").'),
});
export type SubscriptionSettingSpec = Static<typeof SubscriptionSettingSpec>;

/**
 * The application's own subscription to the provider's pushes, made once per deployment by
 * `tributary subscriptions create` (Strava's push subscription, Polar's client webhook, Oura's
 * subscriptions per data type): how to list, create, delete and renew it. Its requests authenticate as
 * the application (`auth: client_basic`, or the client's fields), and may use `{webhook_url}` (our
 * callback), `{verify_token}` (providers.<NAME>.verifyToken) and, to delete or renew one,
 * `{subscription_id}`.
 */
export const SubscriptionSpec = closed({
  description: Type.Optional(Type.String()),
  list: closed(
    {
      request: RequestSpec,
      records: Type.Optional(Pointer('Where the answer lists the subscriptions; a single object there is one. @default ""')),
      example: Type.Optional(
        Type.Unknown({
          description: "An answer of the provider's, as its documentation shows it: the mock lists its subscriptions in the shape of its first one.",
        }),
      ),
    },
    { description: "The application's subscriptions, whoever made them." },
  ),
  fields: closed({
    id: Pointer('The subscription\'s id, in a listed subscription and in a created one ("/id").'),
    callbackUrl: Pointer('The URL a subscription posts to ("/callback_url", Polar "/url"); ours is {webhook_url}.'),
    expires: Type.Optional(
      closed(
        { path: Pointer('When the subscription ends ("/expiration_time").'), format: TimeFormat },
        { description: "Subscriptions that expire (Oura): renewed before they do." },
      ),
    ),
    key: Type.Optional(
      Type.Array(Pointer(""), {
        minItems: 1,
        description:
          'Fields that tell apart the subscriptions one callback has (Oura: ["/event_type", "/data_type"]), read alike in a listed subscription and in a create request\'s body. Without it the application has one subscription.',
      }),
    ),
  }),
  create: Type.Array(RequestSpec, {
    minItems: 1,
    description: "One request per subscription (Oura: one per event type and data type); one whose subscription is listed already is not sent again.",
  }),
  created: Type.Optional(Pointer('Where a create answer holds the new subscription (Polar "/data"). @default ""')),
  settings: Type.Optional(
    Type.Array(SubscriptionSettingSpec, { minItems: 1, description: "What the operator configures from a created subscription; `create` prints each." }),
  ),
  ping: Type.Optional(
    closed(
      {
        description: Type.Optional(Type.String()),
        when: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), {
          propertyNames: { pattern: "^/", expected: 'a JSON pointer such as "/event"' },
          minProperties: 1,
          description: 'What tells the ping apart: every pointer must equal its value (compared as text), e.g. { "/event": PING }.',
        }),
        example: Type.Unknown({ description: "The ping as the provider sends it; the mock sends it when a subscription is created." }),
      },
      {
        description:
          "A push the provider sends when the subscription is created, signed with a secret it shows only in its answer (Polar's PING): acknowledged (`acknowledge`) whatever its signature, and nothing is done. Its event must be ignored.",
      },
    ),
  ),
  delete: RequestSpec,
  renew: Type.Optional(
    closed(
      {
        request: RequestSpec,
        beforeSeconds: Count("Renew a subscription that expires within this many seconds."),
      },
      { description: "Extends a subscription that expires (Oura: PUT /v2/webhook/subscription/renew/{subscription_id}); needs fields.expires." },
    ),
  ),
});
export type SubscriptionSpec = Static<typeof SubscriptionSpec>;

/**
 * How an accepted push is answered: the status the provider counts as delivered. Providers differ and
 * are strict about it (Fitbit wants 204 and disables a subscriber that keeps answering anything else).
 */
export const AcknowledgeSpec = closed(
  {
    status: Type.Integer({
      minimum: 200,
      maximum: 299,
      description: "The 2xx status of an accepted push; 204 and 205 are sent without a body. @default 200",
    }),
  },
  { description: "The answer the provider documents for an accepted push (Fitbit: { status: 204 }). Without it: 200 with a JSON summary." },
);
export type AcknowledgeSpec = Static<typeof AcknowledgeSpec>;

export const WebhookSpec = closed({
  verify: VerifySpec,
  acknowledge: Type.Optional(AcknowledgeSpec),
  body: Type.Optional(Type.Union([Type.Literal("json"), Type.Literal("form")], { description: 'Body encoding. @default "json"' })),
  handshakes: Type.Optional(Type.Array(HandshakeSpec)),
  batch: Type.Optional(BatchSpec),
  userId: Pointer('The provider\'s id of the user a notification is about, e.g. "/owner_id".'),
  eventType: Type.Optional(
    Template('The event type: a pointer ("/type") or a template of pointers ("{/object_type}.{/aspect_type}"). Omit for one kind only ("*").'),
  ),
  events: Type.Record(Type.String(), Type.Union([WebhookEventAction, Type.Array(WebhookEventAction, { minItems: 1 })]), {
    description: 'Event type (or "*" for any other) → action; a list is tried in order, the first whose `when` holds wins.',
  }),
  maxNotifications: Type.Optional(Count("Notifications one request may carry. @default 1000")),
  subscription: Type.Optional(SubscriptionSpec),
  examples: Type.Optional(
    Type.Array(
      closed({
        description: Type.Optional(Type.String()),
        headers: Type.Optional(Type.Record(Type.String(), Type.String())),
        body: Type.Unknown(),
      }),
      { description: "Example pushes, signed and sent by the mock and `connector test`." },
    ),
  ),
});
export type WebhookSpec = Static<typeof WebhookSpec>;
