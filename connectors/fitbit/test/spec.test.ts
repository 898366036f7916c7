import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, fitbit } from "./fitbit.ts";

describe("FITBIT spec", () => {
  it("is a valid connector: PKCE with Basic client auth, the user from the token answer, a subscription per account, 150 requests an hour", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.definition!.spec).toMatchObject({
      name: "FITBIT",
      dataTypes: ["activity", "daily", "sleep", "body", "nutrition"],
      auth: {
        type: "oauth2",
        pkce: true,
        clientAuth: "basic",
        refresh: "rotating",
        providerUserId: { from: "token", path: "/user_id" },
        lifecycle: { connect: [{ method: "POST", path: "/1/user/-/apiSubscriptions/{provider_user_id}.json" }], disconnect: [{ method: "DELETE" }] },
      },
      http: { rateLimits: [{ scope: "user", max: 150, perSeconds: 3600, aligned: true }] },
      webhook: {
        verify: { scheme: "hmac", header: "X-Fitbit-Signature", algorithm: "sha1", encoding: "base64", secret: "clientSecret", keySuffix: "&" },
        batch: { type: "array", path: "" },
        userId: "/ownerId",
      },
    });
  });

  it("every example push selects its event and user (connector test)", async () => {
    const report = await checkConnectorExamples(fitbit());
    expect(report.checks.filter((check) => check.outcome === "failed" || check.outcome === "mismatch")).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.action)).toEqual(["pull_window", "pull_window", "pull_window", "pull_window", "deauth"]);
  });
});
