import type { ConnectorSpec } from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "../../src/authoring/connector-examples.ts";
import { differences } from "../../src/authoring/differences.ts";
import { defineConnector } from "../../src/spec/define-connector.ts";

const START = "2026-03-02T07:00:00+01:00";
const activityMapping = {
  when: 'status = "done"',
  template: {
    metadata: {
      summary_id: { path: "/id", type: "string", required: true },
      type: 1,
      upload_type: 1,
      start_time: { path: "/start", time: { format: "datetime" }, required: true },
      end_time: { path: "/end", time: { format: "datetime" }, required: true },
    },
    calories_data: { total_burned_calories: { path: "/kcal" } },
  },
} as const;
const record = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  status: "done",
  start: START,
  end: "2026-03-02T07:45:00+01:00",
  kcal: 500,
  ...extra,
});
const mapped = (id: string, kcal = 500) => ({
  metadata: { summary_id: id, type: 1, upload_type: 1, start_time: "2026-03-02T07:00:00.000000+01:00", end_time: "2026-03-02T07:45:00.000000+01:00" },
  calories_data: { total_burned_calories: kcal },
});

function pushSpec(webhook: Partial<NonNullable<ConnectorSpec["webhook"]>>, extra: Partial<ConnectorSpec> = {}): ConnectorSpec {
  return {
    name: "ACME",
    displayName: "Acme",
    dataTypes: ["activity"],
    auth: { type: "partner_push" },
    mappings: { activity: structuredClone(activityMapping) as never },
    webhook: {
      verify: { scheme: "terra", header: "acme-signature" },
      userId: "/user_id",
      events: { "*": { action: "records", dataType: "activity", records: "/items" } },
      ...webhook,
    },
    ...extra,
  };
}

describe("checkConnectorExamples", () => {
  it("compares a mapping example with its expected output, field by field", async () => {
    const spec = pushSpec({});
    spec.mappings!.activity!.examples = [
      { input: record("a1"), output: mapped("a1") },
      { input: record("a2"), output: { ...mapped("a2", 480), extra: true } },
      { input: record("a3", { status: "draft" }), output: null },
      { input: record("a4", { status: "draft" }), output: mapped("a4") },
      { input: record("a5") },
    ];
    const report = await checkConnectorExamples(defineConnector({ spec }));
    expect(report.ok).toBe(false);
    expect(report.checks.map((check) => [check.source, check.outcome])).toEqual([
      ["mappings.activity.examples[0]", "record"],
      ["mappings.activity.examples[1]", "mismatch"],
      ["mappings.activity.examples[2]", "skip"],
      ["mappings.activity.examples[3]", "mismatch"],
      ["mappings.activity.examples[4]", "record"],
    ]);
    expect(report.checks[1]!.problems).toEqual(["calories_data.total_burned_calories: expected 480, got 500", "extra: expected true, but it is absent"]);
    expect(report.checks[3]!.problems[0]).toMatch(/skipped this record/);
    expect(report.checks[0]!.key).toMatchObject({ type: "activity", key: "a1", startTime: "2026-03-02T07:00:00.000000+01:00" });
  });

  it("reports records that would be quarantined: a mapping failure, an invalid Terra record, an activity without its natural key", async () => {
    const spec = pushSpec({});
    spec.mappings!.activity!.examples = [{ input: { status: "done", start: START } }];
    spec.mappings!.activity!.template = {
      ...activityMapping.template,
      calories_data: { total_burned_calories: { path: "/kcal" } },
      heart_rate_data: { summary: { avg_hr_bpm: { path: "/hr" } } },
    } as never;
    spec.webhook!.examples = [{ body: { user_id: "u1", items: [record("w1", { hr: -3 })] } }];
    const report = await checkConnectorExamples(defineConnector({ spec }));
    expect(report.checks.map((check) => check.outcome)).toEqual(["failed", "failed"]);
    expect(report.checks[0]!.problems.join("\n")).toMatch(/metadata\.summary_id: required/);
    expect(report.checks[1]!.problems.join("\n")).toMatch(/avg_hr_bpm/);

    // Valid against the schema, but keyed by nothing: an empty summary_id would make every such workout one record.
    const noKey = pushSpec({ examples: [{ body: { user_id: "u1", items: [record("")] } }] });
    const keyless = await checkConnectorExamples(defineConnector({ spec: noKey }));
    expect(keyless.checks[0]).toMatchObject({ outcome: "failed", problems: [expect.stringMatching(/^metadata\.summary_id: empty — it is the natural key/)] });
  });

  it("reads a stream's example page at the stream's `records`, and says when nothing is there", async () => {
    const spec: ConnectorSpec = {
      name: "ACME",
      displayName: "Acme",
      dataTypes: ["activity"],
      auth: { type: "api_key", in: "header", name: "x-key", providerUserId: { from: "request", request: { path: "/me" }, path: "/id" } },
      http: { baseUrl: "https://api.acme.test" },
      streams: {
        activity: [
          {
            name: "workouts",
            request: { path: "/workouts" },
            records: "/data",
            id: "/id",
            example: { data: [record("s1"), record("s2", { status: "draft" })] },
          },
          { name: "imports", request: { path: "/imports" }, records: "/items", id: "/id", mapping: "activity", example: { data: [] } },
        ],
      },
      mappings: { activity: structuredClone(activityMapping) as never },
    };
    const report = await checkConnectorExamples(defineConnector({ spec }));
    expect(report.checks.map((check) => [check.source, check.outcome])).toEqual([
      ["streams.activity[0].example/data/0", "record"],
      ["streams.activity[0].example/data/1", "skip"],
      ["streams.activity[1].example", "failed"],
    ]);
    expect(report.checks[2]!.problems).toEqual(['no records at "/items" (the stream\'s `records`) in the example']);
  });

  it("splits example pushes as the webhook says: a batch, event types from a template, `when`, a catch-all, the user of each", async () => {
    const spec = pushSpec({
      batch: { type: "array", path: "/events" },
      userId: "/owner",
      eventType: "{/object}.{/aspect}",
      events: {
        "activity.create": { action: "records", dataType: "activity", records: "/payload" },
        "athlete.update": [
          { action: "deauth", when: { "/updates/authorized": "false" } },
          { action: "ignore", reason: "profile changes" },
        ],
      },
      examples: [
        {
          description: "three notifications",
          body: {
            events: [
              { object: "activity", aspect: "create", owner: 7, payload: record("b1") },
              { object: "athlete", aspect: "update", owner: 7, updates: { authorized: false } },
              { object: "athlete", aspect: "update", owner: 7, updates: { name: "x" } },
              { object: "activity", aspect: "delete", owner: 7 },
              { object: "activity", aspect: "create", payload: record("b2") },
            ],
          },
        },
      ],
    });
    const report = await checkConnectorExamples(defineConnector({ spec }));
    expect(report.checks.map((check) => [check.source, check.outcome, check.action ?? null])).toEqual([
      ["webhook.examples[0]/events/0/payload", "record", "records"],
      ["webhook.examples[0]/events/1", "action", "deauth"],
      ["webhook.examples[0]/events/2", "action", "ignore"],
      ["webhook.examples[0]/events/3", "failed", null],
      ["webhook.examples[0]/events/4", "failed", "records"],
    ]);
    expect(report.checks[0]!.description).toBe("three notifications");
    expect(report.checks[3]!.problems).toEqual(['no webhook.events entry takes event type "activity.delete" — add it, or a "*" entry']);
    expect(report.checks[4]!.problems).toEqual(['names no user at "/owner" (webhook.userId): the push cannot be matched to a connection']);
  });

  it("takes each top-level key of a keys batch as the event type (Garmin-style pushes)", async () => {
    const spec = pushSpec({
      batch: { type: "keys" },
      userId: "/userId",
      events: { activities: { action: "records", dataType: "activity", records: "" }, deregistrations: { action: "deauth" } },
      examples: [
        {
          body: {
            activities: [
              { userId: "g1", ...record("k1") },
              { userId: "g2", ...record("k2") },
            ],
            deregistrations: [{ userId: "g3" }],
          },
        },
      ],
    });
    const report = await checkConnectorExamples(defineConnector({ spec }));
    expect(report.checks.map((check) => [check.source, check.outcome, check.key?.key ?? check.action])).toEqual([
      ["webhook.examples[0]/activities/0", "record", "k1"],
      ["webhook.examples[0]/activities/1", "record", "k2"],
      ["webhook.examples[0]/deregistrations/0", "action", "deauth"],
    ]);
  });

  it("maps with a TypeScript connector's map hook, and reports a hook that throws or returns an invalid record", async () => {
    const spec = pushSpec({ examples: [{ body: { user_id: "u1", items: [record("h1"), record("h2"), record("h3")] } }] });
    delete spec.mappings;
    const hook = (input: Record<string, unknown>) => {
      if (input.id === "h2") throw new Error("no idea what this is");
      if (input.id === "h3") return { metadata: { summary_id: "h3" } };
      return mapped(String(input.id));
    };
    const report = await checkConnectorExamples(defineConnector({ spec, hooks: { map: { activity: hook as never } } }));
    expect(report.checks.map((check) => check.outcome)).toEqual(["record", "failed", "failed"]);
    expect(report.checks[1]!.problems).toEqual(['map hook "activity" threw: no idea what this is']);
    expect(report.checks[2]!.problems.join("\n")).toMatch(/metadata/);
  });
});

describe("differences", () => {
  it("names each differing field, ignores key order, and caps the list", () => {
    expect(differences({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
    expect(differences({ a: [1, 2, 3] }, { a: [1, 5] })).toEqual(["a: expected 3 items, got 2", "a[1]: expected 2, got 5"]);
    expect(differences({ "odd key": "x" }, {})).toEqual(['["odd key"]: expected "x", but it is absent']);
    expect(differences({ a: { b: 1 } }, { a: [1] })).toEqual(["a: expected an object, got [1]"]);
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    const found = differences(many, {});
    expect(found).toHaveLength(13);
    expect(found.at(-1)).toBe("… and 8 more differences");
  });
});
