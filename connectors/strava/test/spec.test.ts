import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, strava } from "./strava.ts";

describe("STRAVA spec", () => {
  it("is a valid connector: authorization code without PKCE, comma scopes, the athlete id from the token answer, the overall and read limits with their headers", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.definition!.spec).toMatchObject({
      name: "STRAVA",
      dataTypes: ["activity", "athlete"],
      auth: { type: "oauth2", pkce: false, scopeSeparator: ",", refresh: "rotating", providerUserId: { from: "token", path: "/athlete/id" } },
      http: {
        rateLimits: [
          { name: "overall_15min", scope: "client", max: 200, perSeconds: 900, aligned: true },
          { name: "overall_daily", scope: "client", max: 2000, perSeconds: 86400, aligned: true },
          { name: "read_15min", scope: "client", max: 100, perSeconds: 900, aligned: true },
          { name: "read_daily", scope: "client", max: 1000, perSeconds: 86400, aligned: true },
        ],
        rateLimitHeaders: [
          { limit: "X-RateLimit-Limit", usage: "X-RateLimit-Usage", windows: ["overall_15min", "overall_daily"] },
          { limit: "X-ReadRateLimit-Limit", usage: "X-ReadRateLimit-Usage", windows: ["read_15min", "read_daily"] },
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
