import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, strava } from "./strava.ts";

describe("STRAVA spec", () => {
  it("is a valid connector: authorization code without PKCE, comma scopes, the athlete id from the token answer, both read-limit windows", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.definition!.spec).toMatchObject({
      name: "STRAVA",
      dataTypes: ["activity", "athlete"],
      auth: { type: "oauth2", pkce: false, scopeSeparator: ",", refresh: "rotating", providerUserId: { from: "token", path: "/athlete/id" } },
      http: {
        rateLimits: [
          { name: "15min", scope: "client", max: 100, perSeconds: 900, aligned: true },
          { name: "daily", scope: "client", max: 1000, perSeconds: 86400, aligned: true },
        ],
      },
      webhook: { verify: { scheme: "none", match: { path: "/subscription_id", setting: "subscription_id" } }, userId: "/owner_id" },
    });
  });

  it("maps every example push to its event and user (connector test)", async () => {
    const report = await checkConnectorExamples(strava());
    expect(report.checks.filter((check) => check.outcome === "failed" || check.outcome === "mismatch")).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => [check.source, check.action])).toEqual([
      ["webhook.examples[0]", "pull_object"],
      ["webhook.examples[1]", "pull_object"],
      ["webhook.examples[2]", "ignore"],
      ["webhook.examples[3]", "deauth"],
    ]);
  });
});
