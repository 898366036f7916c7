import { describe, expect, it } from "vitest";
import type { ConnectorHooks } from "../../src/spec/hooks.ts";
import { validateConnector } from "../../src/spec/validate-connector.ts";

// The cases mutate a plain spec object freely.
type Spec = any;

/** A small valid spec; each case below breaks one thing in it. */
const base = (): Spec => ({
  name: "ACME",
  displayName: "Acme",
  dataTypes: ["activity"],
  auth: {
    type: "oauth2",
    authorizeUrl: "https://acme.example/authorize",
    tokenUrl: "https://acme.example/token",
    scopes: ["read"],
    providerUserId: { from: "token", path: "/user_id" },
  },
  http: { baseUrl: "https://api.acme.example" },
  streams: {
    activity: [{ name: "workouts", request: { path: "/workouts", query: { from: "{start}" } }, dateRange: { start: { format: "date" } }, id: "/id" }],
  },
  mappings: { activity: { template: { metadata: { summary_id: { path: "/id" } } } } },
  webhook: {
    verify: { scheme: "hmac", header: "X-Sig", algorithm: "sha256", encoding: "hex" },
    userId: "/user",
    events: { "*": { action: "pull_window", dataType: "activity" } },
  },
});

async function problems(spec: Spec, hooks?: unknown): Promise<string[]> {
  const result = await validateConnector(hooks === undefined ? spec : { spec, hooks: hooks as ConnectorHooks });
  return result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe("cross-checks: one problem per mistake, at its path, saying what to do", () => {
  it("the base spec is valid", async () => {
    expect(await problems(base())).toEqual([]);
  });

  it.each<[string, (spec: Spec) => Spec, unknown, string[]]>([
    [
      "streams of a data type the connector does not serve",
      (s) => {
        s.streams.sleep = [{ name: "nights", request: { path: "/n" }, id: "/id" }];
        return s;
      },
      undefined,
      [
        'streams.sleep: "sleep" is not in dataTypes — add it there, or remove these streams',
        "streams.sleep[0]: no mapping for its sleep records — add mappings.sleep, or name another mapping with `mapping`",
      ],
    ],
    [
      "two streams with one name",
      (s) => {
        s.streams.activity.push({ name: "workouts", request: { path: "/w2" }, id: "/id" });
        return s;
      },
      undefined,
      ['streams.activity[1].name: "workouts" already names streams.activity[0]; stream names are unique in a connector (they key checkpoints and recordings)'],
    ],
    [
      "a webhook action naming something that is not a data type",
      (s) => {
        s.webhook.events["*"] = { action: "records", dataType: "workouts", records: "" };
        return s;
      },
      undefined,
      ['webhook.events["*"].dataType: "workouts" is not a known data type (expected one of activity, body, daily, sleep, nutrition, menstruation, athlete)'],
    ],
    [
      "records carried in a push with no mapping for them",
      (s) => {
        s.dataTypes.push("sleep");
        s.webhook.eventType = "/t";
        s.webhook.events.sleep = { action: "records", dataType: "sleep", records: "" };
        return s;
      },
      undefined,
      ["webhook.events.sleep: no mapping for the sleep records this event brings — add mappings.sleep"],
    ],
    [
      "records carried in a push naming a mapping that does not exist (the one it meant is used by it, not reported unused)",
      (s) => {
        s.webhook.eventType = "/t";
        s.mappings.activity_file = s.mappings.activity;
        s.mappings.activity_parts = { ...s.mappings.activity, merge: { part: "/id", precedence: 1 } };
        s.webhook.events.file = { action: "pull_url", dataType: "activity", url: "/url", mapping: "activity_file", decode: { format: "fit", into: "fit" } };
        s.webhook.events.parts = { action: "records", dataType: "activity", records: "", mapping: "activity_part" };
        return s;
      },
      undefined,
      [
        'webhook.events.parts.mapping: no mapping named "activity_part" (did you mean "activity_parts"?) — add mappings.activity_part, or a map hook of that name',
        "mappings.activity_parts: never used: no stream names it in `mapping`, and no data type or webhook event of that name brings records — use it or remove it",
      ],
    ],
    [
      "pull_window for a data type no stream pulls",
      (s) => {
        s.dataTypes.push("sleep");
        s.mappings.sleep = s.mappings.activity;
        s.webhook.eventType = "/t";
        s.webhook.events.sleep = [
          { action: "pull_window", dataType: "sleep", when: { "/x": 1 } },
          { action: "records", dataType: "sleep", records: "" },
        ];
        return s;
      },
      undefined,
      ["webhook.events.sleep[0].action: pull_window needs a stream that pulls sleep — add streams.sleep, or carry the records in the push (action: records)"],
    ],
    [
      "pull_window of several data types, one not served and one no stream pulls",
      (s) => {
        s.dataTypes.push("sleep");
        s.webhook.events["*"] = { action: "pull_window", dataType: ["activity", "body", "sleep"] };
        return s;
      },
      undefined,
      [
        'webhook.events["*"].dataType[1]: "body" is not in dataTypes — add it there, or handle this event otherwise',
        'webhook.events["*"].dataType[2]: pull_window needs a stream that pulls sleep — add streams.sleep, or carry the records in the push (action: records)',
        "dataTypes[1]: nothing produces sleep records — add streams.sleep, or a webhook event that brings them (action: records or pull_url)",
      ],
    ],
    [
      "pull_window listing a data type twice, or none",
      (s) => {
        s.webhook.eventType = "/t";
        s.webhook.events.a = { action: "pull_window", dataType: ["activity", "activity"] };
        s.webhook.events.b = { action: "pull_window", dataType: [] };
        return s;
      },
      undefined,
      [
        "webhook.events.a.dataType: expected a data type (daily), or a non-empty list of distinct ones ([activity, daily]), got an array of 2 items",
        "webhook.events.a: expected an array, got an object",
        "webhook.events.b.dataType: expected a data type (daily), or a non-empty list of distinct ones ([activity, daily]), got an array of 0 items",
        "webhook.events.b: expected an array, got an object",
      ],
    ],
    [
      "a JSON pointer placeholder outside webhook.eventType",
      (s) => {
        s.streams.activity[0].request.path = "/w/{/id}";
        return s;
      },
      undefined,
      [
        "streams.activity[0].request.path: {/id} is a JSON pointer, which only webhook.eventType can read — a stream request offers {user_id}, {provider_user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}, {start}, {end}",
      ],
    ],
    [
      "a secret as a template variable",
      (s) => {
        s.streams.activity[0].request.query.secret = "{client_secret}";
        return s;
      },
      undefined,
      [
        "streams.activity[0].request.query.secret: {client_secret}: secrets are never template variables — the client authenticates as auth.clientAuth says, tokens go where the auth type puts them",
      ],
    ],
    [
      "{end} without dateRange.end",
      (s) => {
        s.streams.activity[0].request.query.to = "{end}";
        return s;
      },
      undefined,
      ["streams.activity[0].request.query.to: {end} needs streams.activity[0].dateRange.end (how the end is written) — add it"],
    ],
    [
      "{start} without a dateRange",
      (s) => {
        delete s.streams.activity[0].dateRange;
        return s;
      },
      undefined,
      ["streams.activity[0].request.query.from: {start} needs streams.activity[0].dateRange (how the window is written) — add it, or leave the window out"],
    ],
    [
      "recordFields with a credential, or on a stream fetched by id",
      (s) => {
        s.streams.activity[0].recordFields = { date: "{start}", token: "{access_token}" };
        s.streams.activity[0].object = { request: { path: "/w/{object_id}" } };
        return s;
      },
      undefined,
      [
        "streams.activity[0].recordFields: an object fetched by id for a push has no window to fill these fields from — a stream with recordFields cannot have object",
        "streams.activity[0].recordFields.token: {access_token} is not available in a stream's recordFields; it offers {user_id}, {provider_user_id}, {reference_id}, {start}, {end}, {answered_at}, {timezone}, {timezone.at.<name>}",
      ],
    ],
    [
      "a once detail naming a record",
      (s) => {
        s.streams.activity[0].details = [{ name: "profile", request: { path: "/w/{record.id}" }, once: true }];
        return s;
      },
      undefined,
      [
        "streams.activity[0].details[0].once: a detail fetched once per read serves every record, so its request cannot name one with {record.…} — drop once, or the record variable",
      ],
    ],
    [
      "{record.…} outside a detail request",
      (s) => {
        s.streams.activity[0].request.query.x = "{record.id}";
        return s;
      },
      undefined,
      [
        "streams.activity[0].request.query.x: {record.id} is not available in a stream request; it offers {user_id}, {provider_user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}, {start}, {end}",
      ],
    ],
    [
      "a template with an unbalanced brace",
      (s) => {
        s.streams.activity[0].request.path = "/w/{id";
        return s;
      },
      undefined,
      ['streams.activity[0].request.path: unbalanced brace (write {{ or }} for a literal one) in "/w/{id"'],
    ],
    [
      "a connection variable in the base URL",
      (s) => {
        s.http.baseUrl = "https://{user_id}.acme.example";
        return s;
      },
      undefined,
      ["http.baseUrl: {user_id} is not available in http.baseUrl; it offers {client_id}, {options.<name>}"],
    ],
    [
      "a variable (not a pointer) in webhook.eventType",
      (s) => {
        s.webhook.eventType = "{type}";
        return s;
      },
      undefined,
      ["webhook.eventType: {type} is not available in webhook.eventType; it offers {/pointer}"],
    ],
    [
      "an application subscription whose requests act for a user, name no callback or no subscription",
      (s) => {
        s.webhook.subscription = {
          list: { request: { path: "/subs", auth: "client_basic" } },
          fields: { id: "/id", callbackUrl: "/url" },
          create: [{ method: "POST", path: "/subs", auth: "client_basic", body: { url: "{webhook_url}" } }],
          delete: { method: "DELETE", path: "/subs/{subscription_id}", auth: "client_basic" },
        };
        s.webhook.subscription.list.request.auth = "user";
        s.webhook.subscription.create[0].body = { url: "https://x.example/hooks" };
        s.webhook.subscription.delete.path = "/subs/1";
        return s;
      },
      undefined,
      [
        "webhook.subscription.list.request.auth: a subscription is the application's, and no user's credentials are at hand — authenticate as the client (client_basic, or { in, id, secret }), or none",
        "webhook.subscription.create[0]: never names our callback: put {webhook_url} where the provider wants the URL it will post to",
        "webhook.subscription.delete: never names the subscription: use {subscription_id} in its path or query",
      ],
    ],
    [
      "an application subscription's keys, renewal, settings and ping that cannot work",
      (s) => {
        s.webhook.subscription = {
          list: { request: { path: "/subs", auth: "client_basic" } },
          fields: { id: "/id", callbackUrl: "/url" },
          create: [{ method: "POST", path: "/subs", auth: "client_basic", body: { url: "{webhook_url}" } }],
          delete: { method: "DELETE", path: "/subs/{subscription_id}", auth: "client_basic" },
        };
        s.webhook.subscription.fields.key = ["/event"];
        s.webhook.subscription.renew = { request: { method: "PUT", path: "/subs/{subscription_id}/renew", auth: "client_basic" }, beforeSeconds: 86400 };
        s.webhook.subscription.settings = [{ setting: "options.sub_id", path: "/id" }];
        s.webhook.subscription.ping = { when: { "/event": "PING" }, example: { event: "PONG" } };
        return s;
      },
      undefined,
      [
        'webhook.subscription.create[0].body: has nothing at "/event" (fields.key[0]), so its subscription cannot be told from the others — add it to the body',
        "webhook.subscription.renew: renews before expiry, and fields.expires does not say where a subscription's expiry is — add it",
        "webhook.subscription.ping.example: does not match ping.when: write the ping as the provider sends it",
        "webhook.subscription.ping: its event must be ignored (webhook.events): answering it is all a ping asks",
        'webhook.subscription.settings[0].setting: no option named "sub_id" — declare it under options',
      ],
    ],
    [
      "a {subscription_id} outside a delete or renew request, a {verify_token} outside the subscription",
      (s) => {
        s.webhook.subscription = {
          list: { request: { path: "/subs", auth: "client_basic" } },
          fields: { id: "/id", callbackUrl: "/url" },
          create: [{ method: "POST", path: "/subs", auth: "client_basic", body: { url: "{webhook_url}" } }],
          delete: { method: "DELETE", path: "/subs/{subscription_id}", auth: "client_basic" },
        };
        s.webhook.subscription.list.request.query = { id: "{subscription_id}" };
        s.streams.activity[0].request.query.token = "{verify_token}";
        return s;
      },
      undefined,
      [
        "streams.activity[0].request.query.token: {verify_token} is not available in a stream request; it offers {user_id}, {provider_user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}, {start}, {end}",
        "webhook.subscription.list.request.query.id: {subscription_id} is not available in a webhook.subscription request; it offers {client_id}, {options.<name>}, {webhook_url}, {verify_token}",
      ],
    ],
    [
      "a subscription match against an undeclared option",
      (s) => {
        s.webhook.verify = { scheme: "none", reason: "r", match: { path: "/sub", setting: "subscription" } };
        return s;
      },
      undefined,
      ['webhook.verify.match.setting: no option named "subscription" — declare it under options'],
    ],
    [
      'event keys other than "*" without eventType',
      (s) => {
        s.webhook.events.created = { action: "ignore" };
        return s;
      },
      undefined,
      [
        'webhook.events.created: never matched: without webhook.eventType (or a keys batch) every notification is "*" — add eventType (where the event type is), or key this "*"',
      ],
    ],
    [
      "eventType beside a keys batch",
      (s) => {
        s.webhook.batch = { type: "keys" };
        s.webhook.eventType = "/t";
        return s;
      },
      undefined,
      ["webhook.eventType: never used: with a keys batch the key each notification came under is its event type — remove it"],
    ],
    [
      "pull_object naming a stream that does not exist",
      (s) => {
        s.webhook.events["*"] = { action: "pull_object", dataType: "activity", id: "/id", stream: "workout" };
        return s;
      },
      undefined,
      ['webhook.events["*"].stream: no activity stream is named "workout" — name one of "workouts"'],
    ],
    [
      "pull_object naming a stream without object",
      (s) => {
        s.webhook.events["*"] = { action: "pull_object", dataType: "activity", id: "/id", stream: "workouts" };
        return s;
      },
      undefined,
      ['webhook.events["*"].stream: stream "workouts" cannot fetch one object — give it `object` (the request that fetches one by {object_id})'],
    ],
    [
      "a signature keyed by a client secret the auth type does not have",
      (s) => {
        s.auth = { type: "api_key", in: "header", name: "X-Key", providerUserId: { from: "request", request: { path: "/me" }, path: "/id" } };
        s.webhook.verify.secret = "clientSecret";
        return s;
      },
      undefined,
      ["webhook.verify.secret: clientSecret needs an OAuth client, and auth is api_key — use pushSecret"],
    ],
    [
      "timestamp settings without a timestamp header",
      (s) => {
        s.webhook.verify.timestampUnit = "ms";
        s.webhook.verify.toleranceSeconds = 60;
        return s;
      },
      undefined,
      [
        "webhook.verify.timestampUnit: never used: there is no timestampHeader — remove it, or add the header",
        "webhook.verify.toleranceSeconds: never used: without a timestampHeader nothing dates a push — remove it, or add the header",
      ],
    ],
    [
      "reconciliation without a webhook",
      (s) => {
        delete s.webhook;
        s.sync = { reconcileDays: 2 };
        return s;
      },
      undefined,
      ["sync.reconcileDays: never used: reconciliation re-pulls what pushes may have missed, and this connector has no webhook — remove it"],
    ],
    [
      "poll jitter without polling",
      (s) => {
        s.sync = { pollJitterSeconds: 60 };
        return s;
      },
      undefined,
      ["sync.pollJitterSeconds: never used: there is no pollIntervalSeconds, so nothing is polled — remove it, or set the interval"],
    ],
    [
      "a poll interval below the minimum",
      (s) => {
        s.sync = { pollIntervalSeconds: 60, minPollIntervalSeconds: 3600 };
        return s;
      },
      undefined,
      ["sync.pollIntervalSeconds: 60 is below minPollIntervalSeconds (3600) — raise it"],
    ],
    [
      "backfill requests for types no push brings, or not served",
      (s) => {
        s.dataTypes.push("sleep");
        s.streams.sleep = [{ name: "n", request: { path: "/n" }, id: "/id" }];
        s.mappings.sleep = s.mappings.activity;
        s.sync = { backfillRequests: { sleep: { path: "/backfill" }, daily: { path: "/b2" } } };
        return s;
      },
      undefined,
      [
        "sync.backfillRequests.sleep: the sleep history it requests arrives by push, but no webhook event brings sleep — add one",
        'sync.backfillRequests.daily: "daily" is not in dataTypes — add it there, or remove this request',
      ],
    ],
    [
      "relative paths without http.baseUrl",
      (s) => {
        delete s.http;
        return s;
      },
      undefined,
      ["streams.activity[0].request.path: a path below http.baseUrl, but there is no http.baseUrl — add it, or write an absolute URL"],
    ],
    [
      "an absolute URL on an origin that is not allowed",
      (s) => {
        s.streams.activity[0].details = [{ name: "d", request: { path: "https://files.other.example/x/{record.id}" } }];
        return s;
      },
      undefined,
      [
        "streams.activity[0].details[0].request.path: https://files.other.example is neither http.baseUrl's origin nor in http.allowedOrigins — add it there, or use a path below the base URL",
      ],
    ],
    [
      "a templated base URL leaves origins to the deployment",
      (s) => {
        s.http.baseUrl = "https://{options.region}.acme.example";
        s.options = { region: { description: "r" } };
        s.streams.activity[0].details = [{ name: "d", request: { path: "https://files.other.example/x/{record.id}" } }];
        return s;
      },
      undefined,
      [],
    ],
    [
      "allowed origins that are not origins",
      (s) => {
        s.http.allowedOrigins = ["https://files.acme.example/path", "ftp://x.example", "https://ok.example"];
        return s;
      },
      undefined,
      [
        'http.allowedOrigins[0]: expected an origin such as "https://files.example.com" (scheme and host, no path), got "https://files.acme.example/path"',
        'http.allowedOrigins[1]: expected an origin such as "https://files.example.com" (scheme and host, no path), got "ftp://x.example"',
      ],
    ],
    [
      "rate-limit headers describing limits that are not declared",
      (s) => {
        s.http.rateLimitHeaders = { remaining: "X-R", scope: "user" };
        s.http.rateLimits = [{ scope: "client", max: 1, perSeconds: 1 }];
        return s;
      },
      undefined,
      ["http.rateLimitHeaders: never used: the headers describe the user limits, and http.rateLimits has none with scope: user — declare them"],
    ],
    [
      "response rows that cannot match or set what is never read",
      (s) => {
        s.http.responses = [
          { equals: [1], action: "fail" },
          { status: 400, action: "fail", retryAfter: { defaultSeconds: 1 } },
          { action: "retry" },
          { status: 500, action: "retry" },
        ];
        return s;
      },
      undefined,
      [
        "http.responses[0].equals: needs bodyPath (the field that must equal one of these)",
        "http.responses[1]: never reached: row 0 has no status, bodyPath or contains, so it matches every response — move it last, or narrow it",
        "http.responses[1].retryAfter: never used: only rate_limited and retry wait, and this row's action is fail — remove it",
        "http.responses[3]: never reached: row 2 has no status, bodyPath or contains, so it matches every response — move it last, or narrow it",
      ],
    ],
    [
      "auth endpoints that are not absolute http(s) URLs",
      (s) => {
        s.auth.authorizeUrl = "/authorize";
        s.auth.tokenUrl = "ftp://x/token";
        return s;
      },
      undefined,
      [
        'auth.authorizeUrl: expected an absolute http(s) URL such as "https://api.example.com/v1", got "/authorize"',
        'auth.tokenUrl: expected an absolute http(s) URL such as "https://api.example.com/v1", got "ftp://x/token"',
      ],
    ],
    [
      "a user id from a token response the auth type does not have",
      (s) => {
        s.auth = { type: "bearer_token", providerUserId: { from: "token", path: "/id" } };
        return s;
      },
      undefined,
      ["auth.providerUserId.from: token needs a token response, and bearer_token has none — use request (a profile request) or username"],
    ],
    [
      "granted scopes at a path that is no pointer",
      (s) => {
        s.auth.grantedScopes = { request: { path: "/permissions" }, path: "granted" };
        return s;
      },
      undefined,
      ['auth.grantedScopes.path: expected a JSON pointer such as "/id" or "/data/items" ("" for the whole document), got string "granted"'],
    ],
    [
      "a granted-scopes request with the pull window (it may name the account)",
      (s) => {
        s.auth.grantedScopes = { request: { path: "/users/{provider_user_id}/permissions", query: { since: "{start}" } }, path: "" };
        return s;
      },
      undefined,
      [
        "auth.grantedScopes.request.query.since: {start} is not available in the granted-scopes request; it offers {user_id}, {provider_user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}",
      ],
    ],
    [
      "a user id from a username the auth type does not ask for",
      (s) => {
        s.auth.providerUserId = { from: "username" };
        return s;
      },
      undefined,
      ["auth.providerUserId.from: username needs a username, which only oauth2_password asks for — use token or request"],
    ],
    [
      "an alternative of the main method's type, and an alternative's user id it cannot have",
      (s) => {
        s.auth.alternatives = [
          { type: "oauth2", authorizeUrl: "https://acme.example/a2", tokenUrl: "https://acme.example/t2", scopes: ["read"] },
          { type: "bearer_token", providerUserId: { from: "token", path: "/id" } },
        ];
        return s;
      },
      undefined,
      [
        "auth.alternatives[0].type: oauth2 is already a method of this provider — each alternative must be of another type",
        "auth.alternatives[1].providerUserId.from: token needs a token response, and bearer_token has none — use request (a profile request) or username",
      ],
    ],
    [
      "an alternative's templates and URLs are checked like the main method's",
      (s) => {
        s.auth.alternatives = [{ type: "oauth2_password", tokenUrl: "https://acme.example/{user_id}/token" }];
        return s;
      },
      undefined,
      ["auth.alternatives[0].tokenUrl: {user_id} is not available in an auth endpoint or parameter; it offers {client_id}, {options.<name>}"],
    ],
    [
      "an alternative's account request is checked like a stream's",
      (s) => {
        s.auth.alternatives = [{ type: "bearer_token", providerUserId: { from: "request", request: { path: "/me/{record.id}" }, path: "/id" } }];
        return s;
      },
      undefined,
      [
        "auth.alternatives[0].providerUserId.request.path: {record.id} is not available in the provider-user-id request; it offers {user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}",
      ],
    ],
    [
      "refresh settings with refresh: none, a separator for one scope",
      (s) => {
        s.auth.refresh = "none";
        s.auth.refreshUrl = "https://acme.example/refresh";
        s.auth.expiryBufferSeconds = 60;
        s.auth.scopeSeparator = ",";
        return s;
      },
      undefined,
      [
        "auth.refreshUrl: never used: refresh is none — remove it",
        "auth.expiryBufferSeconds: never used: refresh is none, so nothing is refreshed before expiry — remove it",
        "auth.scopeSeparator: never used: there are fewer than two scopes to separate — remove it",
      ],
    ],
    [
      "link paging without a next link, with stop rules it cannot have",
      (s) => {
        s.streams.activity[0].paging = { type: "link", stop: [{ type: "total_pages", path: "/p" }, { type: "short_page" }] };
        return s;
      },
      undefined,
      [
        "streams.activity[0].paging: link paging needs nextPath (where the response holds the next page's URL) or linkHeader: true",
        "streams.activity[0].paging.stop[0].type: total_pages cannot end link paging — use one of empty, flag",
        "streams.activity[0].paging.stop[1].type: short_page cannot end link paging — use one of empty, flag",
      ],
    ],
    [
      "stop rules that need a page size without one",
      (s) => {
        s.streams.activity[0].paging = { type: "page", param: "p", stop: [{ type: "short_page" }, { type: "total_records", path: "/t" }] };
        return s;
      },
      undefined,
      [
        "streams.activity[0].paging.stop[0].type: short_page needs paging.size (the records a full page holds)",
        "streams.activity[0].paging.stop[1].type: total_records needs paging.size (the records a full page holds)",
      ],
    ],
    [
      "a record-time window with an order but no paging, or beside a window end the provider is given",
      (s) => {
        s.streams.activity[0].within = { path: "/start", format: "datetime", order: "newest_first" };
        s.streams.activity.push({
          name: "ranged",
          request: { path: "/r", query: { from: "{start}", to: "{end}" } },
          dateRange: { start: { format: "date" }, end: { format: "date" } },
          id: "/id",
          within: { path: "/start", format: "datetime" },
        });
        return s;
      },
      undefined,
      [
        "streams.activity[0].within.order: never used: the order lets paging stop early, and this stream has no paging — remove it",
        "streams.activity[1].within: never needed: the provider is given the window's end (dateRange.end) and answers only what is inside — remove it",
      ],
    ],
    [
      "a transaction stream with a window, a detail, a create that names the transaction before it exists, a list and commit that never do, and two parts of one name",
      (s) => {
        s.streams.activity.push({
          name: "new_workouts",
          request: { path: "/w" },
          transaction: {
            create: { method: "POST", path: "/users/{provider_user_id}/transactions" },
            id: "/id",
            list: { path: "/users/{provider_user_id}/transactions/latest" },
            items: "/items",
            parts: [
              { name: "zones", suffix: "/zones" },
              { name: "zones", suffix: "/hr-zones" },
            ],
            commit: { method: "PUT", path: "/users/{provider_user_id}/transactions/{transaction_id}" },
          },
          details: [{ name: "more", request: { path: "/more" } }],
          id: "/id",
        });
        s.streams.activity[1].transaction.create.query = { tx: "{transaction_id}" };
        s.streams.activity[1].transaction.commit.path = "/users/{provider_user_id}/transactions/commit";
        return s;
      },
      undefined,
      [
        "streams.activity[1].request: not with a transaction: its records are what is new since the last commit, listed and fetched by the transaction — remove request, or read the data type's windows with another stream",
        "streams.activity[1].details: not with a transaction: an item's sub-resources are fetched from its URL — declare them as transaction.parts",
        "streams.activity[1].transaction.list: never names the transaction: use {transaction_id} in its path (the id the create answer holds at transaction.id)",
        "streams.activity[1].transaction.commit: never names the transaction: use {transaction_id} in its path (the id the create answer holds at transaction.id)",
        'streams.activity[1].transaction.parts[1].name: "zones" is already the name of another part: each answer is attached under its own name',
        "streams.activity[1].transaction.create.query.tx: {transaction_id} is not available in a transaction's create request; it offers {user_id}, {provider_user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}",
      ],
    ],
    [
      "a checkpoint on a stream without a window",
      (s) => {
        delete s.streams.activity[0].dateRange;
        delete s.streams.activity[0].request.query;
        s.streams.activity[0].checkpoint = { path: "/t", format: "datetime" };
        return s;
      },
      undefined,
      [
        "streams.activity[0].checkpoint: never used: a checkpoint is where the next poll's window starts, and this stream passes no window — add dateRange, or remove it",
      ],
    ],
    [
      "an object request that never names the object",
      (s) => {
        s.streams.activity[0].object = { request: { path: "/w/one" } };
        return s;
      },
      undefined,
      ["streams.activity[0].object.request: never names the object: use {object_id} in its path or query"],
    ],
    [
      "two details of a stream with one name",
      (s) => {
        s.streams.activity[0].details = [
          { name: "d", request: { path: "/d/{record.id}" } },
          { name: "d", request: { path: "/e/{record.id}" } },
        ];
        return s;
      },
      undefined,
      ['streams.activity[0].details[1].name: "d" is already the name of another detail of this stream; each answer is attached under its own name'],
    ],
    [
      "a window end declared but never sent",
      (s) => {
        s.streams.activity[0].dateRange.end = { format: "date" };
        return s;
      },
      undefined,
      ["streams.activity[0].dateRange.end: never sent: no request of this stream uses {end} — put it where the provider wants the window's end, or remove it"],
    ],
    [
      "local days of dates, and of a range with no whole days",
      (s) => {
        s.streams.activity[0].dateRange.localDays = true;
        s.streams.activity[1] = { ...s.streams.activity[0], name: "instants", dateRange: { start: { format: "unix_seconds" }, localDays: true } };
        return s;
      },
      undefined,
      [
        "streams.activity[0].dateRange.localDays: a `date` names a UTC day here: local days need instants (datetime, unix_seconds, unix_ms) — remove localDays or change the format",
        "streams.activity[1].dateRange.localDays: never used: local days widen whole days (wholeDays) and step whole days (an integer maxWindowDays), and this dateRange has neither",
      ],
    ],
    [
      "a zone probe on a stream without local days, and a probe asking for what no template offers",
      (s) => {
        s.streams.activity[0].timezone = { in: "answer", path: "/timezone", probe: { request: { path: "/profile", query: { at: "{ending}" } }, path: "/tz" } };
        return s;
      },
      undefined,
      [
        "streams.activity[0].timezone.probe: never used: the probe learns the zone before a read's first local days are cut (dateRange.localDays) or before recordFields read {timezone.at.<field>}, and this stream does neither — add one, or remove it",
        "streams.activity[0].timezone.probe.request.query.at: {ending} is not available in a stream request; it offers {user_id}, {provider_user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}, {start}, {end}",
      ],
    ],
    [
      "a zone said nowhere, half a place to read it, and the zone of a record's date outside recordFields",
      (s) => {
        s.streams.activity[0].timezone = { unit: "minutes" };
        s.streams.activity.push({
          ...s.streams.activity[0],
          name: "w2",
          timezone: { in: "record", probe: [{ request: { path: "/p" }, records: "", path: "/offset", date: "/day" }] },
        });
        s.streams.activity[1].recordFields = { zone: "{timezone.at.start_time}" };
        s.streams.activity[1].request = { path: "/w", query: { from: "{start}", tz: "{timezone.at.start_time}" } };
        return s;
      },
      undefined,
      [
        "streams.activity[0].timezone: says nothing: give in and path (where pages say the zone), or a probe (a request that says it)",
        "streams.activity[0].timezone.unit: never used: unit and date describe the value at path, and this timezone has no path — move them into the probe, or give in and path",
        "streams.activity[1].timezone.path: in and path go together: where the zone is (path) in each answer or each record (in) — give both",
        "streams.activity[1].request.query.tz: {timezone.at.start_time} is not available in a stream request; it offers {user_id}, {provider_user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}, {start}, {end}",
      ],
    ],
    [
      "a zone to learn from pages a read hook makes itself",
      (s) => {
        delete s.streams.activity[0].request;
        s.streams.activity[0].timezone = { in: "answer", path: "/timezone" };
        return s;
      },
      { read: { workouts: async function* () {} } },
      ["streams.activity[0].timezone: never used: the stream's records come from a read hook, not from pages the executor reads"],
    ],
    [
      "a read hook beside the request, paging and records it replaces",
      (s) => {
        s.streams.activity[0].paging = { type: "page", param: "p" };
        s.streams.activity[0].records = "/items";
        return s;
      },
      { read: { workouts: async function* () {} } },
      [
        'streams.activity[0].request: never sent: the read hook "workouts" produces this stream\'s records — remove the request or the hook',
        'streams.activity[0].paging: never used: the read hook "workouts" pages by itself — remove it',
        'streams.activity[0].records: never used: the read hook "workouts" yields records one by one — remove it',
      ],
    ],
    [
      "hooks nothing calls, and a mapping shadowed by a map hook",
      (s) => s,
      { map: { activity: () => null, other: () => null }, read: { workout: async function* () {} }, transform: { nope: (r: any) => r } },
      [
        'mappings.activity: both this mapping and a map hook are named "activity" — remove one',
        'hooks.map.other: never called: no stream names "other" in `mapping`, and no data type or webhook event of that name brings records',
        'hooks.read.workout: never called: no stream is named "workout" (did you mean "workouts"?)',
        'hooks.transform.nope: never called: no stream is named "nope"',
      ],
    ],
    [
      "a verify hook without a webhook",
      (s) => {
        delete s.webhook;
        return s;
      },
      { verify: () => true },
      ["hooks.verify: never called: the connector has no webhook — remove it, or declare webhook with verify.scheme: hook"],
    ],
    [
      "a verify hook with another scheme",
      (s) => s,
      { verify: () => true },
      ["hooks.verify: never called: webhook.verify.scheme is hmac — set it to hook, or remove the hook"],
    ],
    [
      "hooks of the wrong shape",
      (s) => s,
      { reed: {}, map: { activity: 1 }, verify: "x", transform: [] },
      [
        'hooks.reed: unknown hook kind (did you mean "read"?); known kinds: read, map, transform, verify',
        "hooks.map.activity: expected a function",
        "hooks.verify: expected a function (request, secret) → boolean",
        "hooks.transform: expected an object of functions keyed by stream name",
      ],
    ],
    [
      "an option only hooks read is not reported",
      (s) => {
        s.options = { unused: { description: "read by a hook" } };
        return s;
      },
      { transform: { workouts: (r: any) => r } },
      [],
    ],
  ])("%s", async (_name, breakIt, hooks, expected) => {
    expect(await problems(breakIt(base()), hooks)).toEqual(expected);
  });
});
