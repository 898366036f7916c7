import { describe, expect, it } from "vitest";
import { CONNECTOR_SPEC_SCHEMA_ID, createSchemaRegistry, formatIssues, getSchemaRegistry } from "../src/index.ts";

const base = () => ({ name: "ACME", displayName: "Acme", dataTypes: ["activity"], auth: { type: "none" } }) as Record<string, unknown>;
const webhook = (events: unknown, verify: unknown = { scheme: "none", reason: "unsigned" }) => ({ ...base(), webhook: { verify, userId: "/u", events } });
const stream = (extra: Record<string, unknown>) => ({ ...base(), streams: { activity: [{ name: "workouts", id: "/id", request: { path: "/w" }, ...extra }] } });
const mapping = (template: unknown) => ({ ...base(), mappings: { activity: { template } } });

function messages(spec: unknown): string {
  const result = getSchemaRegistry().validate(CONNECTOR_SPEC_SCHEMA_ID, spec);
  return result.ok ? "(valid)" : formatIssues(result.issues);
}

describe("connector-spec mistakes read as one line each", () => {
  it("a wrong tag names the tag and lists the right values, with no line about the other branch of the union", () => {
    expect(messages(webhook({ "*": { action: "recs", dataType: "activity" } }))).toBe(
      'webhook.events["*"].action: "recs" is not a known action (expected one of pull_window, pull_object, pull_url, records, deauth, permissions, ignore)',
    );
    expect(messages(webhook({ "*": [{ action: "deauth" }, { action: "recs" }] }))).toBe(
      'webhook.events["*"][1].action: "recs" is not a known action (expected one of pull_window, pull_object, pull_url, records, deauth, permissions, ignore)',
    );
    expect(messages({ ...base(), auth: { type: "oauth" } })).toBe(
      'auth.type: "oauth" is not a known type (expected one of oauth2, oauth2_password, bearer_token, api_key, partner_push, none)',
    );
  });

  it("a missing tag or field is named where it belongs, with what it is for", () => {
    expect(messages({ ...base(), auth: {} })).toBe("auth.type: required — one of: oauth2, oauth2_password, bearer_token, api_key, partner_push, none");
    expect(messages(stream({ paging: { type: "cursor", param: "c" } }))).toBe(
      "streams.activity[0].paging.cursorPath: required — where the response holds the next cursor",
    );
    expect(messages(webhook({ "*": [{ action: "records", dataType: "activity" }] }))).toBe(
      'webhook.events["*"][0].records: required — the provider records carried in the notification ("" = the notification is the record)',
    );
    expect(messages(stream({ paging: { type: "offset", size: 10 } }))).toBe("streams.activity[0].paging.param: required (a string)");
  });

  it("a value that fits no branch of a union says what would", () => {
    expect(messages(webhook({ "*": "ignore" }))).toBe('webhook.events["*"]: expected an object or an array, got string "ignore"');
    expect(messages({ ...base(), http: { baseUrl: "https://x", responses: [{ status: "5x", action: "retry" }] } })).toBe(
      'http.responses[0].status: expected an HTTP status (401), a class ("5xx") or a range ("500-599"), or a list of them, got string "5x"',
    );
    expect(messages({ ...base(), http: { baseUrl: "https://x", responses: [{ status: [500, "6xx"], action: "retry" }] } })).toBe(
      'http.responses[0].status[1]: expected an HTTP status (401), a class ("5xx") or a range ("500-599"), got string "6xx"',
    );
    expect(messages({ ...base(), http: { baseUrl: "https://x", responses: [{ status: ["500-599", 404], action: "retry" }] } })).toBe("(valid)");
  });

  it("a union of literals lists its values once", () => {
    expect(messages(stream({ request: { path: "/w", method: "get" } }))).toBe(
      'streams.activity[0].request.method: "get" is not one of the allowed values (GET, POST, PUT, PATCH, DELETE, HEAD)',
    );
    expect(messages({ ...base(), dataTypes: ["activity", "activty"] })).toBe(
      'dataTypes[1]: "activty" is not a known data type (expected one of activity, body, daily, sleep, nutrition, menstruation, athlete)',
    );
    expect(messages({ ...base(), dataTypes: ["activity", "activity"] })).toBe('dataTypes: items 0 and 1 are the same ("activity"); list each once');
  });

  it("patterns are explained in words", () => {
    expect(messages(stream({ id: "id" }))).toBe(
      'streams.activity[0].id: expected a JSON pointer such as "/id" or "/data/items" ("" for the whole document), got string "id"',
    );
    expect(messages(stream({ name: "Workouts" }))).toBe(
      'streams.activity[0].name: expected a lower-case name of letters, digits and "_", starting with a letter (e.g. "workouts"), got string "Workouts"',
    );
    expect(messages({ ...base(), name: "acme" })).toBe('name: expected a provider name in capitals, digits and "_" (e.g. "PELOTON"), got string "acme"');
  });

  it("a bad key of a map is reported at the key", () => {
    expect(messages({ ...base(), streams: { workouts: [{ name: "w", id: "/id" }] } })).toBe(
      'streams.workouts: "workouts" is not a known data type (expected one of activity, body, daily, sleep, nutrition, menstruation, athlete)',
    );
    expect(messages({ ...base(), options: { "api-region": { description: "x" } } })).toBe(
      'options["api-region"]: expected a key that is a name of letters, digits and "_", starting with a letter',
    );
    expect(messages(webhook({ "*": { action: "ignore", when: { updates: "x" } } }))).toBe(
      'webhook.events["*"].when.updates: expected a key that is a JSON pointer such as "/updates/authorized"',
    );
  });

  it("an unknown field is reported at the field, with the likely typo", () => {
    expect(messages(stream({ recods: "/items" }))).toBe(
      'streams.activity[0].recods: unknown field (did you mean "records"?); known fields: name, request, dateRange, paging, records, recordFields, timezone, following, filter, within, id, details, object, checkpoint, mapping, example, collect, transaction',
    );
    expect(messages({ ...base(), colour: "red" })).toBe(
      "colour: unknown field; known fields: name, displayName, description, icon, website, dataTypes, auth, http, streams, mappings, webhook, sync, options",
    );
  });

  it("mapping rules: exactly one source, and the parts a rule needs", () => {
    expect(messages(mapping({ metadata: { summary_id: { path: "/id", var: "id" } } }))).toBe(
      'mappings.activity.template.metadata.summary_id: expected only one of the fields "path", "var", "expr", "value", got "path" and "var"',
    );
    expect(messages(mapping({ samples: { each: {}, item: { bpm: { path: "/bpm" } } } }))).toBe(
      'mappings.activity.template.samples.each: expected exactly one of the fields "path", "var", "expr", "value"',
    );
    expect(messages(mapping({ samples: { each: { path: "/s" } } }))).toBe("mappings.activity.template.samples.item: required");
    expect(messages(mapping({ metadata: { summary_id: { path: "id" } } }))).toBe(
      'mappings.activity.template.metadata.summary_id.path: expected a JSON pointer such as "/id" ("" for the whole scope), got string "id"',
    );
  });
});

describe("the expected annotation", () => {
  it("is allowed in strict schemas and words their failures", () => {
    const registry = createSchemaRegistry();
    registry.add({
      $id: "https://example.test/code.json",
      title: "Code",
      type: "string",
      pattern: "^[A-Z]{3}$",
      expected: 'a three-letter code such as "EUR"',
    });
    const result = registry.validate("Code", "eur");
    expect(result.ok ? "" : formatIssues(result.issues)).toBe('(root): expected a three-letter code such as "EUR", got string "eur"');
  });
});
