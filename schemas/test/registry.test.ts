import { Type } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import {
  CONNECTOR_SPEC_BASE_URL,
  createSchemaRegistry,
  DATA_TYPES,
  EVENT_TYPES,
  eventSchemaId,
  getSchemaRegistry,
  modelSchemaId,
  resolveSchema,
  SchemaRegistryError,
  TERRA_USER_SCHEMA_ID,
  WEBHOOK_EVENT_SCHEMA_ID,
} from "../src/index.ts";

const BASE = "https://tributary.dev/schemas/2022-03-16";

describe("registry errors carry stable codes", () => {
  it("rejects a schema without $id", () => {
    const registry = createSchemaRegistry();
    expect(() => registry.add(Type.Object({ a: Type.String() }, { title: "NoId" }))).toThrow(
      expect.objectContaining({ name: "SchemaRegistryError", code: "ERR_SCHEMA_MISSING_ID" }),
    );
  });

  it("rejects a duplicate $id", () => {
    const registry = createSchemaRegistry();
    registry.add(Type.Object({}, { $id: "https://example.test/a.json" }));
    expect(() => registry.add(Type.Object({ b: Type.Number() }, { $id: "https://example.test/a.json" }))).toThrow(
      expect.objectContaining({ code: "ERR_SCHEMA_DUPLICATE_ID" }),
    );
  });

  it("rejects adding a built-in id twice to the shared registry", () => {
    expect(() => getSchemaRegistry().add({ $id: modelSchemaId("activity"), type: "object" })).toThrow(SchemaRegistryError);
  });

  it("reports schemas that break strict mode when they are compiled", () => {
    const registry = createSchemaRegistry();
    // Compilation is lazy (refs may point at schemas added later), so the typo surfaces at compile time.
    registry.add({ $id: "https://example.test/typo.json", type: "object", propertees: {} });
    expect(() => registry.compileAll()).toThrow(expect.objectContaining({ code: "ERR_SCHEMA_INVALID" }));
    expect(() => registry.add({ $id: "https://example.test/bad.json", type: "objekt" })).toThrow(expect.objectContaining({ code: "ERR_SCHEMA_INVALID" }));
  });

  it("throws ERR_SCHEMA_UNKNOWN for an unknown schema but never for invalid data", () => {
    const registry = createSchemaRegistry();
    registry.add(Type.Object({ n: Type.Number() }, { $id: "https://example.test/n.json", title: "N" }));
    expect(() => registry.validate("nope", {})).toThrow(expect.objectContaining({ code: "ERR_SCHEMA_UNKNOWN" }));
    expect(registry.validate("n", { n: "x" })).toEqual({ ok: false, issues: [{ path: "n", rule: "type", message: 'n: expected a number, got string "x"' }] });
    expect(registry.validate("https://example.test/n.json", undefined).ok).toBe(false);
  });
});

describe("check first, explain on failure", () => {
  const nullableNumber = { anyOf: [{ type: "number" }, { type: "null" }] };
  const schema = {
    $id: "https://example.test/two-step.json",
    title: "TwoStep",
    type: "object",
    properties: { a: nullableNumber, b: nullableNumber, nested: { anyOf: [{ type: "object", properties: { c: nullableNumber } }, { type: "null" }] } },
  };

  it('accepts "X or null" either way and reports every problem of an invalid object, not only the first', () => {
    const registry = createSchemaRegistry();
    registry.add(schema);
    expect(registry.validate("TwoStep", { a: 1, b: null, nested: { c: null } })).toEqual({ ok: true });
    expect(registry.validate("TwoStep", { a: null, b: 2, nested: null })).toEqual({ ok: true });
    const result = registry.validate("TwoStep", { a: "x", b: "y", nested: { c: "z" } });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((issue) => issue.path).sort()).toEqual(["a", "b", "nested.c"]);
  });

  it("gets unevaluatedProperties right, which the quick check does not track (it refuses, the reporting validator decides)", () => {
    const registry = createSchemaRegistry();
    registry.add({
      $id: "https://example.test/closed.json",
      title: "Closed",
      type: "object",
      anyOf: [{ properties: { a: { type: "number" } } }, { properties: { b: { type: "number" } } }],
      unevaluatedProperties: false,
    });
    expect(registry.validate("Closed", { a: 1 }).ok).toBe(true);
    // Both branches pass, so both properties count as evaluated: only a validator trying every branch knows.
    expect(registry.validate("Closed", { a: 1, b: 2 }).ok).toBe(true);
    expect(registry.validate("Closed", { a: 1, c: 3 }).ok).toBe(false);
  });
});

describe("the shared registry", () => {
  const registry = getSchemaRegistry();

  it("is one instance", () => {
    expect(getSchemaRegistry()).toBe(registry);
  });

  it("uses one id convention", () => {
    expect(modelSchemaId("activity")).toBe(`${BASE}/activity.json`);
    expect(eventSchemaId("auth")).toBe(`${BASE}/events/auth.json`);
    expect(eventSchemaId("large_request_sending")).toBe(`${BASE}/events/large-request-sending.json`);
    expect(eventSchemaId("s3_upload")).toBe(eventSchemaId("s3_payload"));
    expect(resolveSchema("ActivityType")).toBe(`${BASE}/enums/activity-type.json`);
    expect(resolveSchema("HeartRateDataSummary")).toBe(`${BASE}/objects/heart-rate-data-summary.json`);
    for (const id of registry.ids()) {
      expect(id).toMatch(/^https:\/\/tributary\.dev\/schemas\/(2022-03-16\/((objects|enums|events)\/)?|connector-spec\/v1\/)[a-z0-9-]+\.json$/);
    }
  });

  it("has every model and event schema", () => {
    for (const dataType of DATA_TYPES) expect(registry.has(modelSchemaId(dataType))).toBe(true);
    for (const eventType of EVENT_TYPES) expect(registry.has(eventSchemaId(eventType))).toBe(true);
    expect(registry.has(WEBHOOK_EVENT_SCHEMA_ID)).toBe(true);
    expect(registry.get("TerraUser")?.["$id"]).toBe(TERRA_USER_SCHEMA_ID);
  });

  it("never forbids unknown fields on Terra objects (the connector spec, written by people, does)", () => {
    const terraIds = registry.ids().filter((id) => !id.startsWith(CONNECTOR_SPEC_BASE_URL));
    expect(terraIds.length).toBeGreaterThan(50);
    for (const id of terraIds) expect(registry.get(id)?.["additionalProperties"], id).not.toBe(false);
  });

  it("validates against a fragment of a registered schema", () => {
    expect(registry.validate(`${modelSchemaId("activity")}#/properties/cheat_detection`, 1).ok).toBe(true);
    expect(registry.validate(`${modelSchemaId("activity")}#/properties/cheat_detection`, "yes").ok).toBe(false);
  });
});

describe("resolveSchema", () => {
  it.each([
    ["activity", modelSchemaId("activity")],
    ["Activity", modelSchemaId("activity")],
    ["SLEEP", modelSchemaId("sleep")],
    ["athlete", modelSchemaId("athlete")],
    ["ActivityEvent", eventSchemaId("activity")],
    ["activity_event", eventSchemaId("activity")],
    ["AthleteEvent", eventSchemaId("athlete")],
    ["AuthSuccessEvent", `${BASE}/events/auth-success.json`],
    ["AuthErrorEvent", eventSchemaId("auth_cancelled")],
    ["auth", eventSchemaId("auth")],
    ["auth_cancelled", eventSchemaId("auth_cancelled")],
    ["deauth", eventSchemaId("deauth")],
    ["DeauthEvent", eventSchemaId("deauth")],
    ["large_request_sending", eventSchemaId("large_request_sending")],
    ["s3_upload", eventSchemaId("s3_payload")],
    ["S3PayloadEvent", eventSchemaId("s3_payload")],
    ["TerraUser", TERRA_USER_SCHEMA_ID],
    ["terra-user", TERRA_USER_SCHEMA_ID],
    ["user", TERRA_USER_SCHEMA_ID],
    ["event", WEBHOOK_EVENT_SCHEMA_ID],
    ["webhook", WEBHOOK_EVENT_SCHEMA_ID],
    ["WebhookEvent", WEBHOOK_EVENT_SCHEMA_ID],
    ["LapSample", `${BASE}/objects/lap-sample.json`],
    [modelSchemaId("body"), modelSchemaId("body")],
  ])("%s", (name, id) => {
    expect(resolveSchema(name)).toBe(id);
  });

  it("returns undefined for unknown names", () => {
    expect(resolveSchema("lab_report")).toBeUndefined();
  });
});
