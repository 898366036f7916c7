import { CONNECTOR_SPEC_SCHEMA_ID, getSchemaRegistry, type ConnectorSpec } from "@tributary/schemas";
import { expect } from "vitest";

/** Test specs are checked against the meta-schema, so the mock is tested on specs a connector could ship. */
export function valid(spec: ConnectorSpec): ConnectorSpec {
  const result = getSchemaRegistry().validate(CONNECTOR_SPEC_SCHEMA_ID, spec);
  expect(result.ok ? [] : result.issues).toEqual([]);
  return spec;
}

/** Oura-like: OAuth with PKCE, a base path, date windows, cursor paging, a profile request. */
export const OURA_LIKE = valid({
  name: "OURA_LIKE",
  displayName: "Oura-like",
  dataTypes: ["sleep", "daily"],
  auth: {
    type: "oauth2",
    authorizeUrl: "https://cloud.example/oauth/authorize",
    tokenUrl: "https://api.example/oauth/token",
    scopes: ["daily", "personal"],
    refresh: "rotating",
    providerUserId: { from: "request", request: { path: "/usercollection/personal_info" }, path: "/id" },
  },
  http: { baseUrl: "https://api.example/v2" },
  streams: {
    sleep: [
      {
        name: "sleep",
        request: { path: "/usercollection/sleep", query: { start_date: "{start}", end_date: "{end}" } },
        dateRange: { start: { format: "date" }, end: { format: "date", inclusive: true } },
        paging: { type: "cursor", param: "next_token", cursorPath: "/next_token" },
        records: "/data",
        id: "/id",
        object: { request: { path: "/usercollection/sleep/{object_id}" } },
      },
    ],
    daily: [
      {
        name: "daily_activity",
        request: { path: "/usercollection/daily_activity", query: { start_date: "{start}", end_date: "{end}" } },
        dateRange: { start: { format: "date" }, end: { format: "date", inclusive: true } },
        paging: { type: "cursor", param: "next_token", cursorPath: "/next_token" },
        records: "/data",
        id: "/id",
        checkpoint: { path: "/day", format: "date" },
      },
    ],
  },
  webhook: {
    verify: { scheme: "hmac", header: "x-oura-signature", algorithm: "sha256", encoding: "hex", timestampHeader: "x-oura-timestamp", secret: "clientSecret" },
    handshakes: [{ type: "challenge", param: "challenge", verifyTokenParam: "verification_token", respond: "json" }],
    userId: "/user_id",
    eventType: "{/event_type}.{/data_type}",
    events: { "*": { action: "pull_object", dataType: "sleep", id: "/object_id" } },
    examples: [{ description: "a new sleep", body: { event_type: "create", data_type: "sleep", object_id: "s-2", user_id: "oura-1" } }],
  },
});

/** Peloton-like: a pasted bearer token, the user in the path, 0-based pages with show_next, detail requests. */
export const PELOTON_LIKE = valid({
  name: "PELOTON_LIKE",
  displayName: "Peloton-like",
  dataTypes: ["activity"],
  auth: { type: "bearer_token", providerUserId: { from: "request", request: { path: "/api/me" }, path: "/id" } },
  http: { baseUrl: "https://api.peloton.example" },
  streams: {
    activity: [
      {
        name: "workouts",
        request: { path: "/api/user/{provider_user_id}/workouts", query: { limit: "2", sort_by: "-created", joins: "ride" } },
        paging: {
          type: "page",
          param: "page",
          start: 0,
          sizeParam: "limit",
          stop: [
            { type: "flag", path: "/show_next", equals: false },
            { type: "total_pages", path: "/page_count" },
          ],
        },
        records: "/data",
        id: "/id",
        details: [{ name: "performance_graph", request: { path: "/api/workout/{record.id}/performance_graph", query: { every_n: "1" } } }],
      },
    ],
  },
});

/** Withings-like: a status envelope everywhere, POST form requests told apart by `action`, offset paging. */
export const WITHINGS_LIKE = valid({
  name: "WITHINGS_LIKE",
  displayName: "Withings-like",
  dataTypes: ["body", "activity"],
  auth: {
    type: "oauth2",
    authorizeUrl: "https://account.withings.example/oauth2_user/authorize2",
    tokenUrl: "https://wbsapi.withings.example/v2/oauth2",
    scopes: ["user.metrics", "user.activity"],
    scopeSeparator: ",",
    pkce: false,
    tokenParams: { action: "requesttoken" },
    tokenResponse: { root: "/body", statusPath: "/status", successValues: [0] },
    providerUserId: { from: "token", path: "/body/userid" },
  },
  http: { baseUrl: "https://wbsapi.withings.example" },
  streams: {
    body: [
      {
        name: "measures",
        request: { method: "POST", path: "/measure", bodyEncoding: "form", body: { action: "getmeas", category: "1", startdate: "{start}", enddate: "{end}" } },
        dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds" } },
        paging: { type: "offset", param: "offset", size: 2, nextOffsetPath: "/body/offset", stop: [{ type: "flag", path: "/body/more", equals: 0 }] },
        records: "/body/measuregrps",
        id: "/grpid",
        checkpoint: { path: "/date", format: "unix_seconds" },
      },
    ],
    activity: [
      {
        name: "workouts",
        request: { method: "POST", path: "/measure", bodyEncoding: "form", body: { action: "getworkouts", startdateymd: "{start}", enddateymd: "{end}" } },
        dateRange: { start: { format: "date" }, end: { format: "date", inclusive: true } },
        records: "/body/series",
        id: "/id",
      },
    ],
  },
  webhook: {
    verify: { scheme: "none", reason: "Withings signs nothing" },
    body: "form",
    handshakes: [{ type: "head" }],
    userId: "/userid",
    events: { "*": { action: "pull_window", dataType: "body", start: "/startdate", end: "/enddate" } },
    examples: [{ body: { userid: "w-1", appli: "1", startdate: "1530576000", enddate: "1530698753" } }],
  },
});

/** Fitbit-like: next links, per-user rate limit with its headers, a verify-code handshake. */
export const FITBIT_LIKE = valid({
  name: "FITBIT_LIKE",
  displayName: "Fitbit-like",
  dataTypes: ["activity"],
  auth: {
    type: "oauth2",
    authorizeUrl: "https://www.fitbit.example/oauth2/authorize",
    tokenUrl: "https://api.fitbit.example/oauth2/token",
    clientAuth: "basic",
    scopes: ["activity"],
    providerUserId: { from: "token", path: "/user_id" },
  },
  http: {
    baseUrl: "https://api.fitbit.example",
    rateLimits: [{ scope: "user", max: 3, perSeconds: 3600, aligned: true }],
    rateLimitHeaders: { limit: "Fitbit-Rate-Limit-Limit", remaining: "Fitbit-Rate-Limit-Remaining", reset: "Fitbit-Rate-Limit-Reset", scope: "user" },
  },
  streams: {
    activity: [
      {
        name: "activity_list",
        request: { path: "/1/user/-/activities/list.json", query: { afterDate: "{start}", sort: "asc", offset: "0", limit: "2" } },
        dateRange: { start: { format: "date" } },
        paging: { type: "link", nextPath: "/pagination/next", linkHeader: true },
        records: "/activities",
        id: "/logId",
        checkpoint: { path: "/startTime", format: "datetime" },
      },
    ],
  },
  webhook: {
    verify: { scheme: "hmac", header: "X-Fitbit-Signature", algorithm: "sha1", encoding: "base64", keySuffix: "&", secret: "clientSecret" },
    handshakes: [{ type: "verify_code", param: "verify" }],
    batch: { type: "array", path: "" },
    userId: "/ownerId",
    events: { "*": { action: "pull_window", dataType: "activity", date: "/date" } },
  },
});

/** Strava-like: pages from 1 until empty, epoch-second windows, an object request, revoke by query token. */
export const STRAVA_LIKE = valid({
  name: "STRAVA_LIKE",
  displayName: "Strava-like",
  dataTypes: ["activity"],
  auth: {
    type: "oauth2",
    authorizeUrl: "https://www.strava.example/oauth/authorize",
    tokenUrl: "https://www.strava.example/oauth/token",
    revoke: { method: "POST", path: "https://www.strava.example/oauth/deauthorize", query: { access_token: "{access_token}" }, auth: "none" },
    scopes: ["read", "activity:read_all"],
    scopeSeparator: ",",
    pkce: false,
    providerUserId: { from: "token", path: "/athlete/id" },
  },
  http: {
    baseUrl: "https://www.strava.example/api/v3",
    rateLimits: [
      { name: "15min", scope: "client", max: 100, perSeconds: 900, aligned: true },
      { name: "daily", scope: "client", max: 1000, perSeconds: 86_400, aligned: true },
    ],
    rateLimitHeaders: { limit: "X-RateLimit-Limit", usage: "X-RateLimit-Usage" },
  },
  streams: {
    activity: [
      {
        name: "activities",
        request: { path: "/athlete/activities", query: { after: "{start}", before: "{end}" } },
        dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds" } },
        paging: { type: "page", param: "page", sizeParam: "per_page", size: 2, stop: [{ type: "empty" }] },
        id: "/id",
        checkpoint: { path: "/start_date", format: "datetime" },
        object: { request: { path: "/activities/{object_id}" } },
      },
    ],
  },
  webhook: {
    verify: { scheme: "none", reason: "Strava signs nothing", match: { path: "/subscription_id", setting: "subscriptionId" } },
    handshakes: [{ type: "challenge", param: "hub.challenge", verifyTokenParam: "hub.verify_token", respond: "json" }],
    userId: "/owner_id",
    events: { "*": { action: "pull_object", dataType: "activity", id: "/object_id" } },
  },
});

/** Polar-like: no refresh token, user registration on connect and removal on disconnect, client-basic calls. */
export const POLAR_LIKE = valid({
  name: "POLAR_LIKE",
  displayName: "Polar-like",
  dataTypes: ["activity"],
  auth: {
    type: "oauth2",
    authorizeUrl: "https://flow.polar.example/oauth2/authorization",
    tokenUrl: "https://polarremote.example/v2/oauth2/token",
    clientAuth: "basic",
    scopes: ["accesslink.read_all"],
    refresh: "none",
    pkce: false,
    providerUserId: { from: "token", path: "/x_user_id" },
    lifecycle: {
      connect: [{ method: "POST", path: "/v3/users", body: { "member-id": "{user_id}" } }],
      disconnect: [{ method: "DELETE", path: "/v3/users/{provider_user_id}" }],
    },
  },
  http: { baseUrl: "https://www.polaraccesslink.example" },
  streams: { activity: [{ name: "exercises", request: { path: "/v3/exercises" }, id: "/id" }] },
  webhook: {
    verify: { scheme: "hmac", header: "Polar-Webhook-Signature", algorithm: "sha256", encoding: "hex" },
    userId: "/user_id",
    events: { "*": { action: "pull_url", dataType: "activity", url: "/url" } },
  },
});

/** Xert-like: password grant with the provider's public client, epoch-second windows, no paging. */
export const XERT_LIKE = valid({
  name: "XERT_LIKE",
  displayName: "Xert-like",
  dataTypes: ["activity"],
  auth: {
    type: "oauth2_password",
    tokenUrl: "https://www.xert.example/oauth/token",
    clientAuth: "basic",
    publicClient: { id: "xert_public", secret: "xert_public" },
    providerUserId: { from: "username" },
  },
  http: { baseUrl: "https://www.xert.example" },
  streams: {
    activity: [
      {
        name: "activities",
        request: { path: "/oauth/activity", query: { from: "{start}", to: "{end}" } },
        dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds" } },
        records: "/activities",
        id: "/path",
      },
    ],
  },
});

/** Garmin-like: upload windows of at most a day, asynchronous backfill, an API key in the query (for the test). */
export const GARMIN_LIKE = valid({
  name: "GARMIN_LIKE",
  displayName: "Garmin-like",
  dataTypes: ["daily"],
  auth: { type: "api_key", in: "query", name: "api_key" },
  http: { baseUrl: "https://apis.garmin.example/wellness-api/rest" },
  streams: {
    daily: [
      {
        name: "dailies",
        request: { path: "/dailies", query: { uploadStartTimeInSeconds: "{start}", uploadEndTimeInSeconds: "{end}" } },
        dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds" }, maxWindowDays: 1 },
        id: "/summaryId",
        checkpoint: { path: "/startTimeInSeconds", format: "unix_seconds" },
      },
    ],
  },
  sync: { backfillRequests: { daily: { path: "/backfill/dailies", query: { summaryStartTimeInSeconds: "{start}", summaryEndTimeInSeconds: "{end}" } } } },
});
