import { describe, expect, it } from "vitest";
import { formatIssues, getSchemaRegistry, validatePayload } from "../src/index.ts";
import { fixture } from "./support/fixtures.ts";

const registry = getSchemaRegistry();

function issuesOf(result: ReturnType<typeof validatePayload>) {
  if (result.ok) throw new Error("expected the payload to be rejected");
  return result.issues;
}

describe("broken payloads are rejected with one readable line per mistake", () => {
  it("an unknown enum code names the enum and lists its values", () => {
    const event = fixture("events", "activity");
    event.data[0].metadata.type = 999;
    const issues = issuesOf(validatePayload(event));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "data[0].metadata.type", rule: "enum" });
    expect(issues[0]?.message).toMatch(/^data\[0\]\.metadata\.type: 999 is not a known ActivityType \(expected one of 0 In Vehicle, 1 Biking, 3 Still, /);
  });

  it("a nullable enum field with a bad code reports the enum, not the null branch", () => {
    const event = fixture("events", "sleep");
    event.data[0].sleep_durations_data.hypnogram_samples[0].level = 9;
    expect(formatIssues(issuesOf(validatePayload(event)))).toBe(
      "data[0].sleep_durations_data.hypnogram_samples[0].level: 9 is not a known SleepLevel (expected one of 0 Unknown, 1 Awake, 2 Sleeping, 3 Out of bed, 4 Light sleep, 5 Deep sleep, 6 REM sleep)",
    );
  });

  it("a string enum with a wrong value lists the allowed strings", () => {
    const activity = fixture("models", "activity");
    activity.device_data.data_provided.push("WEIGHT");
    const result = registry.validate("activity", activity);
    expect(result.ok ? "" : formatIssues(result.issues)).toBe(
      'device_data.data_provided[6]: "WEIGHT" is not a known DeviceDataType (expected one of STEPS, ACTIVE_MINUTES, BMR, CALORIES, DISTANCE, HEART_RATE, OXYGEN_SATURATION, SLEEP_TYPE, SPEED, CADENCE)',
    );
  });

  it("missing metadata.start_time", () => {
    const event = fixture("events", "activity");
    delete event.data[1].metadata.start_time;
    expect(issuesOf(validatePayload(event))).toEqual([
      { path: "data[1].metadata", rule: "required", message: 'data[1].metadata: missing required field "start_time"' },
    ]);
  });

  it("a string where a number belongs", () => {
    const event = fixture("events", "activity");
    event.data[0].distance_data.summary.distance_meters = "12";
    expect(issuesOf(validatePayload(event))).toEqual([
      {
        path: "data[0].distance_data.summary.distance_meters",
        rule: "type",
        message: 'data[0].distance_data.summary.distance_meters: expected a number, got string "12"',
      },
    ]);
  });

  it("an integer field given a fraction", () => {
    const daily = fixture("models", "daily");
    daily.distance_data.steps = 1.5;
    const result = registry.validate("daily", daily);
    expect(result.ok ? "" : formatIssues(result.issues)).toBe("distance_data.steps: expected an integer, got number 1.5");
  });

  it("a timestamp that is not ISO-8601", () => {
    const sleep = fixture("models", "sleep");
    sleep.metadata.end_time = "14/05/2025 06:51";
    const result = registry.validate("sleep", sleep);
    expect(result.ok ? "" : formatIssues(result.issues)).toBe(
      'metadata.end_time: "14/05/2025 06:51" is not an ISO-8601 date-time such as "2022-10-28T10:00:00.000000+01:00"',
    );
  });

  it("a percentage out of range", () => {
    const body = fixture("models", "body");
    body.measurements_data.measurements[0].bodyfat_percentage = 140;
    const result = registry.validate("body", body);
    expect(result.ok ? "" : formatIssues(result.issues)).toBe("measurements_data.measurements[0].bodyfat_percentage: 140 is above the maximum of 100");
  });

  it("an unknown event type lists the known ones", () => {
    const event = fixture("events", "activity");
    event.type = "activty";
    const issues = issuesOf(validatePayload(event));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "type", rule: "discriminator" });
    expect(issues[0]?.message).toMatch(
      /^type: "activty" is not a known event type \(expected one of auth, auth_cancelled, deauth, .*, activity, body, daily, sleep, nutrition, menstruation, athlete\)$/,
    );
  });

  it("a data event without user.user_id", () => {
    const event = fixture("events", "daily");
    delete event.user.user_id;
    expect(issuesOf(validatePayload(event))).toEqual([{ path: "user", rule: "required", message: 'user: missing required field "user_id"' }]);
  });

  it("a data event with an empty user.provider", () => {
    const event = fixture("events", "body");
    event.user.provider = "";
    expect(formatIssues(issuesOf(validatePayload(event)))).toBe("user.provider: must not be empty");
  });

  it("a data event without data", () => {
    const event = fixture("events", "nutrition");
    delete event.data;
    expect(formatIssues(issuesOf(validatePayload(event)))).toBe('(root): missing required field "data"');
  });

  it("a wrong status on a lifecycle event", () => {
    const event = fixture("events", "deauth");
    event.status = "ok";
    expect(formatIssues(issuesOf(validatePayload(event)))).toBe('status: expected "success", got string "ok"');
  });

  it("the legacy auth failure is checked as the error arm, not the success arm", () => {
    const event = fixture("events", "auth-legacy-error");
    delete event.reason;
    expect(formatIssues(issuesOf(validatePayload(event)))).toBe('(root): missing required field "reason"');
  });

  it("a sub-object of the wrong type", () => {
    const activity = fixture("models", "activity");
    activity.heart_rate_data = "n/a";
    const result = registry.validate("Activity", activity);
    expect(result.ok ? "" : formatIssues(result.issues)).toBe('heart_rate_data: expected an object, got string "n/a"');
  });

  it("reports every independent mistake of a payload", () => {
    const event = fixture("events", "activity");
    delete event.data[0].metadata.summary_id;
    event.data[0].calories_data.total_burned_calories = "689";
    event.data[1].lap_data.laps[0].trigger_method = "BUTTON";
    const issues = issuesOf(validatePayload(event));
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      "data[0].calories_data.total_burned_calories",
      "data[0].metadata",
      "data[1].lap_data.laps[0].trigger_method",
    ]);
  });
});

describe("tolerance", () => {
  it("accepts fields Terra may add later (no additionalProperties: false)", () => {
    const event = fixture("events", "sleep");
    event.data[0].brand_new_metric = { value: 1 };
    event.data[0].metadata.some_new_flag = true;
    event.user.new_user_field = "x";
    expect(validatePayload(event).ok).toBe(true);
  });

  it("accepts null for every nullable field", () => {
    const activity = fixture("models", "activity");
    for (const key of Object.keys(activity)) if (key !== "metadata") activity[key] = null;
    activity.metadata.name = null;
    activity.metadata.timestamp_localization = null;
    expect(registry.validate("activity", activity).ok).toBe(true);
  });

  it('accepts timestamps with microseconds, offsets, "Z", or no offset at all', () => {
    const sleep = fixture("models", "sleep");
    for (const stamp of ["2025-05-14T06:51:30.123456+02:00", "2025-05-14T04:51:30Z", "2025-05-14T06:51:30", "2025-05-14T06:51:30.5-0300"]) {
      sleep.metadata.end_time = stamp;
      expect(registry.validate("sleep", sleep).ok, stamp).toBe(true);
    }
  });
});

it("validatePayload asks for a schema name when the payload is not an event", () => {
  expect(() => validatePayload({ metadata: {} })).toThrow(expect.objectContaining({ code: "ERR_SCHEMA_REQUIRED" }));
  expect(() => validatePayload([], "no-such-schema")).toThrow(expect.objectContaining({ code: "ERR_SCHEMA_UNKNOWN" }));
});
