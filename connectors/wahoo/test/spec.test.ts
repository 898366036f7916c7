import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { resolveConnectorSpecFile, validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, wahoo } from "./wahoo.ts";

describe("WAHOO spec", () => {
  it("is a valid connector: 2-hour tokens with single-use refresh, the user from /v1/user, pages stopped by the total, the webhook token in the body", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.definition!.spec).toMatchObject({
      name: "WAHOO",
      dataTypes: ["activity"],
      auth: { type: "oauth2", refresh: "rotating", revoke: { method: "DELETE", path: "/v1/permissions" }, providerUserId: { from: "request", request: { path: "/v1/user" }, path: "/id" } },
      streams: { activity: [{ name: "workouts", paging: { type: "page", param: "page", sizeParam: "per_page", size: 30 } }] },
      webhook: { verify: { scheme: "token", in: "body", name: "/webhook_token" }, userId: "/user/id" },
    });
  });

  it("maps the webhook example: the summary it carries, with its workout", async () => {
    const { checks, ok } = await checkConnectorExamples(wahoo());
    expect(ok).toBe(true);
    expect(checks).toHaveLength(1);
    // 198 W over 7020 s = 1,389,960 J; 61,250.5 m in 7020 s is 8.725 m/s.
    expect(checks[0]).toMatchObject({
      source: "webhook.examples[0]/workout_summary",
      outcome: "record",
      record: {
        metadata: { summary_id: "774411", name: "Saturday group ride", type: 16, start_time: "2026-03-21T08:00:00.000000+00:00", end_time: "2026-03-21T10:00:00.000000+00:00" },
        active_durations_data: { activity_seconds: 7020, rest_seconds: 180 },
        distance_data: { summary: { distance_meters: 61250.5, elevation: { gain_actual_meters: 412 } } },
        movement_data: { avg_speed_meters_per_second: 8.725, avg_cadence_rpm: 86 },
        power_data: { avg_watts: 198 },
        work_data: { work_kilojoules: 1389.96 },
        TSS_data: { TSS_samples: [{ actual: 121.4, normalized_power_watts: 221, method: "Wahoo TSS" }] },
      },
    });
  });

  it("is found by its package name as a spec-only package", () => {
    const file = resolveConnectorSpecFile("@tributary/connector-wahoo", resolve(CONNECTOR_DIR, "../.."));
    expect(realpathSync(file!)).toBe(realpathSync(join(CONNECTOR_DIR, "connector.yaml")));
  });
});
