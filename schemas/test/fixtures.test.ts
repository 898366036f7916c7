import { describe, expect, it } from "vitest";
import {
  DATA_TYPES,
  EVENT_TYPES,
  eventSchemaId,
  formatIssues,
  getSchemaRegistry,
  modelSchemaId,
  resolveSchema,
  validatePayload,
  WEBHOOK_EVENT_SCHEMA_ID,
  type EventType,
} from "../src/index.ts";
import { eventFixtures, modelFixtures } from "./support/fixtures.ts";

const registry = getSchemaRegistry();

/** "activity-pool-swim" -> the Activity schema, "terra-user" -> TerraUser. */
function schemaForModelFixture(name: string): string {
  const dataType = DATA_TYPES.find((type) => name === type || name.startsWith(`${type}-`));
  const id = dataType === undefined ? resolveSchema(name) : modelSchemaId(dataType);
  if (id === undefined) throw new Error(`no schema for fixture ${name}`);
  return id;
}

describe("model fixtures", () => {
  it.each(modelFixtures())("$name is a valid Terra Standard record", ({ name, value }) => {
    const result = registry.validate(schemaForModelFixture(name), value);
    expect(result.ok ? "" : formatIssues(result.issues)).toBe("");
  });

  it("cover every data type and TerraUser", () => {
    const covered = new Set(modelFixtures().map(({ name }) => schemaForModelFixture(name)));
    for (const dataType of DATA_TYPES) expect(covered).toContain(modelSchemaId(dataType));
    expect(covered).toContain(resolveSchema("TerraUser"));
  });
});

describe("event fixtures", () => {
  it.each(eventFixtures())("$name is valid through the envelope and its own schema", ({ value }) => {
    const viaEnvelope = validatePayload(value);
    expect(viaEnvelope.ok ? "" : formatIssues(viaEnvelope.issues)).toBe("");
    expect(viaEnvelope.schemaId).toBe(WEBHOOK_EVENT_SCHEMA_ID);

    const type = (value as { type: EventType }).type;
    const direct = registry.validate(eventSchemaId(type), value);
    expect(direct.ok ? "" : formatIssues(direct.issues)).toBe("");
  });

  it("cover every event type, and both failure arms of auth", () => {
    const events = eventFixtures().map(({ value }) => value as { type: string; status?: string });
    for (const type of EVENT_TYPES) expect(events.map((e) => e.type)).toContain(type);
    expect(
      events
        .filter((e) => e.type === "auth")
        .map((e) => e.status)
        .sort(),
    ).toEqual(["error", "success"]);
  });
});

it("every registered schema compiles in strict mode", () => {
  expect(() => registry.compileAll()).not.toThrow();
  expect(registry.ids().length).toBeGreaterThan(100);
});
