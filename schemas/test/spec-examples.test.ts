import { describe, expect, it } from "vitest";
import {
  checkSpecDocument,
  extractSpecExamples,
  getSchemaRegistry,
  modelSchemaId,
  resolveSchema,
  TERRA_USER_SCHEMA_ID,
  WEBHOOK_EVENT_SCHEMA_ID,
} from "../src/index.ts";
import { fixture } from "./support/fixtures.ts";

const user = fixture("models", "terra-user");
const sleepRecord = fixture("models", "sleep");

/** A small OpenAPI document in the shape of Terra's, with examples of our own. */
function miniSpec(activityType: number) {
  return {
    openapi: "3.1.0",
    paths: {
      "/sleep": {
        get: {
          responses: {
            "200": {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      user: { $ref: "#/components/schemas/TerraUser" },
                      data: { type: "array", items: { $ref: "#/components/schemas/Sleep" } },
                    },
                  },
                  examples: { night: { value: { user, data: [sleepRecord], type: "sleep" } } },
                },
              },
            },
          },
        },
      },
      "/athlete": {
        get: {
          responses: {
            "200": {
              content: {
                "application/json": {
                  schema: { oneOf: [{ $ref: "#/components/schemas/AthleteCollection" }, { $ref: "#/components/schemas/DataSentToWebhook" }] },
                  example: { athlete: fixture("models", "athlete"), user, type: "athlete" },
                },
              },
            },
          },
        },
      },
      "/token": { post: { responses: { "200": { content: { "application/json": { example: { token: "abc" } } } } } } },
    },
    webhooks: {
      activity: {
        post: {
          requestBody: {
            content: {
              "application/json": {
                schema: { $ref: "#/components/schemas/ActivityEvent" },
                example: {
                  type: "activity",
                  version: "2022-03-16",
                  user,
                  data: [
                    {
                      metadata: { summary_id: "a1", start_time: "2025-01-01T10:00:00Z", end_time: "2025-01-01T11:00:00Z", type: activityType, upload_type: 1 },
                    },
                  ],
                },
              },
            },
          },
        },
      },
      lab_report: { post: { requestBody: { content: { "application/json": { example: { type: "lab_report.completed" } } } } } },
    },
    components: {
      schemas: {
        AthleteCollection: {
          type: "object",
          properties: { athlete: { type: "object", allOf: [{ $ref: "#/components/schemas/Athlete" }] }, user: { $ref: "#/components/schemas/TerraUser" } },
        },
        ActivityType: { examples: [8] },
        LapSample: { properties: { trigger_method: { examples: ["MANUAL"] }, lap_colour: { examples: ["red"] } } },
        Problem: { properties: { title: { example: "nope" } } },
      },
    },
  };
}

describe("extractSpecExamples", () => {
  it("pairs each example with the schema it must satisfy", () => {
    const { examples, skipped } = extractSpecExamples(miniSpec(8), resolveSchema);
    expect(examples.map((e) => [e.location, e.targets])).toEqual([
      ["webhooks.activity", [WEBHOOK_EVENT_SCHEMA_ID, resolveSchema("ActivityEvent")]],
      ["paths./sleep.get.responses.200.application/json.user", [TERRA_USER_SCHEMA_ID]],
      ["paths./sleep.get.responses.200.application/json.data[0]", [modelSchemaId("sleep")]],
      ["paths./athlete.get.responses.200.application/json.athlete", [modelSchemaId("athlete")]],
      ["paths./athlete.get.responses.200.application/json.user", [TERRA_USER_SCHEMA_ID]],
      ["components.schemas.ActivityType", [resolveSchema("ActivityType")]],
      ["components.schemas.LapSample.properties.trigger_method", [`${resolveSchema("LapSample")}#/properties/trigger_method`]],
      ["components.schemas.LapSample.properties.lap_colour", [`${resolveSchema("LapSample")}#/properties/lap_colour`]],
    ]);
    expect(skipped.map((s) => s.location)).toEqual(["webhooks.lab_report", "paths./token.post.responses.200.application/json", "components.schemas.Problem"]);
  });
});

describe("checkSpecDocument", () => {
  it("fails an example our schema rejects, and a documented field our schema lacks", () => {
    const report = checkSpecDocument(miniSpec(999), getSchemaRegistry());
    expect(report.failed).toBe(2);
    expect(report.lines).toContain("✗ webhooks.activity example → WebhookEvent + ActivityEvent");
    expect(report.lines.some((line) => line.includes("data[0].metadata.type: 999 is not a known ActivityType"))).toBe(true);
    expect(report.lines.some((line) => line.startsWith("✗ components.schemas.LapSample.properties.lap_colour"))).toBe(true);
    expect(report.lines.at(-1)).toBe("6 passed, 2 failed");
  });
});
