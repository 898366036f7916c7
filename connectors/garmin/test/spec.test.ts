import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { resolveConnectorSpecFile, validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, garmin } from "./garmin.ts";

describe("GARMIN spec", () => {
  it("is a valid push-only connector: PKCE without scopes, the user from /user/id, the scopes from /user/permissions, deregistration on disconnect, history by backfill requests", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    const spec = validation.definition!.spec;
    expect(spec).toMatchObject({
      name: "GARMIN",
      dataTypes: ["activity", "daily", "sleep", "body", "menstruation"],
      auth: {
        type: "oauth2",
        scopes: [],
        pkce: true,
        providerUserId: { from: "request", request: { path: "/user/id" }, path: "/userId" },
        grantedScopes: { request: { path: "/user/permissions" }, path: "" },
        lifecycle: { disconnect: [{ method: "DELETE", path: "/user/registration" }] },
      },
      webhook: { verify: { scheme: "none" }, batch: { type: "keys" }, userId: "/userId" },
    });
    expect(spec.streams).toBeUndefined();
    expect(Object.keys(spec.sync!.backfillRequests!)).toEqual(["daily", "sleep", "activity", "body", "menstruation"]);
    // The day's history is the history of its three parts.
    expect((spec.sync!.backfillRequests!.daily as { path: string }[]).map((request) => request.path)).toEqual([
      "/backfill/dailies",
      "/backfill/epochs",
      "/backfill/userMetrics",
    ]);
    // An activity's history: its summaries and its details, whichever endpoints the app has enabled.
    expect((spec.sync!.backfillRequests!.activity as { path: string }[]).map((request) => request.path)).toEqual([
      "/backfill/activities",
      "/backfill/activityDetails",
    ]);
  });

  it("its examples: a pushed daily is mapped, a ping is a URL to fetch, a deregistration deauthorizes, a permissions change is read", async () => {
    const { checks, ok } = await checkConnectorExamples(garmin());
    expect(ok).toBe(true);
    expect(checks.map((check) => [check.source, check.outcome, check.action])).toEqual([
      // Each equal to its example output.
      ["mappings.daily_epochs.examples[0]", "record", undefined],
      ["mappings.daily_user_metrics.examples[0]", "record", undefined],
      ["webhook.examples[0]/dailies/0", "record", "records"],
      ["webhook.examples[1]/sleeps/0", "action", "pull_url"],
      ["webhook.examples[2]/dailies/0", "action", "pull_url"],
      ["webhook.examples[2]/activityDetails/0", "action", "pull_url"],
      ["webhook.examples[3]/epochs/0", "action", "pull_url"],
      ["webhook.examples[3]/userMetrics/0", "action", "pull_url"],
      ["webhook.examples[3]/activityFiles/0", "action", "pull_url"],
      ["webhook.examples[4]/epochs/0", "record", "records"],
      ["webhook.examples[5]/deregistrations/0", "action", "deauth"],
      ["webhook.examples[6]/activities/0", "record", "records"],
      ["webhook.examples[7]/activities/0", "action", "pull_url"],
      ["webhook.examples[8]/manuallyUpdatedActivities/0", "record", "records"],
      ["webhook.examples[9]/manuallyUpdatedActivities/0", "action", "pull_url"],
      ["webhook.examples[10]/activities/0", "action", "pull_url"],
      // The user's permissions changed: the scopes are stored and permission_change sent.
      ["webhook.examples[11]/userPermissionsChange/0", "action", "permissions"],
    ]);
  });

  it("is found by its package name as a spec-only package", () => {
    const file = resolveConnectorSpecFile("@tributary/connector-garmin", resolve(CONNECTOR_DIR, "../.."));
    expect(realpathSync(file!)).toBe(realpathSync(join(CONNECTOR_DIR, "connector.yaml")));
  });
});
