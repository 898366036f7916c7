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
      auth: {
        type: "oauth2",
        refresh: "rotating",
        revoke: { method: "DELETE", path: "/v1/permissions" },
        providerUserId: { from: "request", request: { path: "/v1/user" }, path: "/id" },
      },
      streams: { activity: [{ name: "workouts", paging: { type: "page", param: "page", sizeParam: "per_page", size: 30 } }] },
      webhook: { verify: { scheme: "token", in: "body", name: "/webhook_token" }, userId: "/user/id" },
    });
  });

  it("maps its example workout (as GET /v1/workouts/{id} answers it, numbers as text) exactly; the push example fetches the workout by its id", async () => {
    const { checks, ok } = await checkConnectorExamples(wahoo());
    expect(checks.filter((check) => check.problems.length > 0)).toEqual([]);
    expect(ok).toBe(true);
    expect(checks.map((check) => [check.source, check.outcome, check.action])).toEqual([
      ["mappings.activity.examples[0]", "record", undefined],
      ["webhook.examples[0]", "action", "pull_object"],
    ]);
  });

  it("is found by its package name as a spec-only package", () => {
    const file = resolveConnectorSpecFile("@tributary/connector-wahoo", resolve(CONNECTOR_DIR, "../.."));
    expect(realpathSync(file!)).toBe(realpathSync(join(CONNECTOR_DIR, "connector.yaml")));
  });
});
