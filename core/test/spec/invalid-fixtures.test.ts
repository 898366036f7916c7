import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validateConnector } from "../../src/spec/validate-connector.ts";
import { formatSpecProblem } from "../../src/spec/spec-problem.ts";

const invalidDir = fileURLToPath(new URL("./fixtures/invalid/", import.meta.url));

/** What `tributary connector validate <file>` prints: one line per problem, in file order. */
async function report(name: string): Promise<string[]> {
  const result = await validateConnector(name, { cwd: invalidDir });
  expect(result.ok).toBe(false);
  expect(result.definition).toBeUndefined();
  return result.problems.map((problem) => formatSpecProblem(result.source, problem));
}

describe("broken specs fail with the exact place and what is expected", () => {
  it("a YAML syntax error: the first one only (the rest is the parser guessing)", async () => {
    expect(await report("yaml-syntax.yaml")).toEqual([
      "yaml-syntax.yaml:4:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });

  it("a key written twice", async () => {
    expect(await report("duplicate-key.yaml")).toEqual(["duplicate-key.yaml:5:1: not valid YAML: Map keys must be unique"]);
  });

  it("meta-schema mistakes: one line each, at the value or at the key", async () => {
    expect(await report("schema-mistakes.yaml")).toEqual([
      'schema-mistakes.yaml:1:7 name: expected a provider name in capitals, digits and "_" (e.g. "PELOTON"), got string "broken"',
      'schema-mistakes.yaml:3:23 dataTypes[1]: "sleeep" is not a known data type (expected one of activity, body, daily, sleep, nutrition, menstruation, athlete)',
      "schema-mistakes.yaml:5:3 auth.tokenUrl: required — token endpoint: authorization code and refresh grants",
      'schema-mistakes.yaml:11:17 http.responses[0].status: expected an HTTP status (401), a class ("5xx") or a range ("500-599"), or a list of them, got string "5x"',
      'schema-mistakes.yaml:15:43 streams.activity[0].request.method: "get" is not one of the allowed values (GET, POST, PUT, PATCH, DELETE, HEAD)',
      "schema-mistakes.yaml:16:15 streams.activity[0].paging.cursorPath: required — where the response holds the next cursor",
      'schema-mistakes.yaml:17:7 streams.activity[0].recods: unknown field (did you mean "records"?); known fields: name, request, dateRange, paging, records, recordFields, timezone, following, filter, within, id, details, object, checkpoint, mapping, example, collect, transaction',
      'schema-mistakes.yaml:18:11 streams.activity[0].id: expected a JSON pointer such as "/id" or "/data/items" ("" for the whole document), got string "id"',
      'schema-mistakes.yaml:19:3 streams.activty: "activty" is not a known data type (expected one of activity, body, daily, sleep, nutrition, menstruation, athlete)',
      'schema-mistakes.yaml:22:53 webhook.verify.algorithm: "md5" is not one of the allowed values (sha256, sha1, sha512)',
      'schema-mistakes.yaml:25:20 webhook.events["*"].action: "recs" is not a known action (expected one of pull_window, pull_object, pull_url, records, deauth, permissions, ignore)',
      "schema-mistakes.yaml:26:26 webhook.acknowledge.status: 404 is above the maximum of 299",
    ]);
  });

  it("cross-check mistakes: names, templates, options, data types, hooks", async () => {
    expect(await report("cross-check-mistakes.yaml")).toEqual([
      "cross-check-mistakes.yaml:3:30 dataTypes[2]: nothing produces body records — add streams.body, or a webhook event that brings them (action: records or pull_url)",
      "cross-check-mistakes.yaml:5:3 auth.providerUserId: required — pushes name their user by webhook.userId, so connecting must learn that id (from the token response, a request, or the username)",
      "cross-check-mistakes.yaml:16:24 streams.activity[0].request.query.from: {startt} is not available in a stream request (did you mean {start}?); it offers {user_id}, {provider_user_id}, {reference_id}, {client_id}, {options.<name>}, {access_token}, {start}, {end}",
      "cross-check-mistakes.yaml:16:44 streams.activity[0].request.query.region: {options.regoin} reads an option that is not declared (did you mean {options.region}?) — declare it under options.regoin",
      "cross-check-mistakes.yaml:17:27 streams.activity[0].dateRange.start: never sent: no request of this stream uses {start} — put it where the provider wants the window's start",
      'cross-check-mistakes.yaml:19:16 streams.activity[0].mapping: no mapping named "workout" — add mappings.workout, or a map hook of that name',
      'cross-check-mistakes.yaml:21:7 streams.sleep[0].request: required — the request that pulls this stream\'s records, a transaction (what is new since the last commit), or, in a TypeScript connector, a read hook named "nights"',
      "cross-check-mistakes.yaml:26:3 mappings.unused: never used: no stream names it in `mapping`, and no data type or webhook event of that name brings records — use it or remove it",
      "cross-check-mistakes.yaml:29:21 webhook.verify.scheme: hook needs a verify hook, which only a TypeScript connector (defineConnector) has — use terra, hmac, token or none",
      "cross-check-mistakes.yaml:33:24 webhook.events.workout.action: pull_object needs a stream of activity with `object` (the request that fetches one by {object_id}) — add one, or carry the records in the push",
      'cross-check-mistakes.yaml:34:42 webhook.events.weight.dataType: "nutrition" is not in dataTypes — add it there, or handle this event otherwise',
      "cross-check-mistakes.yaml:36:3 options.region: never used: no template reads {options.region} — use it or remove it",
    ]);
  });

  it("a push-only connector asks for polls, reconciliation and a backfill, and hides an event behind a catch-all", async () => {
    expect(await report("push-only.yaml")).toEqual([
      'push-only.yaml:14:9 webhook.events["*"][1]: never reached: entry 0 has no `when`, so it takes every "*" notification — move it last, or give it a `when`',
      "push-only.yaml:16:17 sync.backfillDays: never used: this connector has no pull streams, so nothing would be pulled at connect — remove it, or request the history with sync.backfillRequests",
      "push-only.yaml:17:24 sync.pollIntervalSeconds: never used: this connector has no pull streams, so nothing would be pulled — remove it",
      "push-only.yaml:18:18 sync.reconcileDays: never used: this connector has no pull streams, so nothing would be pulled to reconcile — remove it",
    ]);
  });

  it("an icon outside the connector's folder", async () => {
    expect(await report("bad-icon")).toEqual([
      `bad-icon/connector.yaml:3:7 icon: "../outside.svg" is outside the connector's folder — keep the icon beside the spec`,
    ]);
  });

  it("an icon that runs script", async () => {
    expect(await report("scripted-icon/connector.yaml")).toEqual([
      'scripted-icon/connector.yaml:3:7 icon: "icon.svg" contains scripting (<script>, <foreignObject>, on…= handlers or javascript: links); the connect page shows icons, so they must be plain drawings',
    ]);
  });
});
