import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { resolveConnectorSpecFile, validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, peloton } from "./peloton.ts";

describe("PELOTON spec", () => {
  it("is a valid connector: meta-schema, cross-checks and icon", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    const { spec } = validation.definition!;
    expect(spec).toMatchObject({
      name: "PELOTON",
      dataTypes: ["activity", "athlete"],
      auth: {
        type: "oauth2",
        pkce: true,
        refresh: "rotating",
        scopes: ["offline_access", "openid", "peloton-api.members:default"],
        providerUserId: { from: "request", path: "/id" },
      },
      http: { baseUrl: "https://api.onepeloton.com", headers: { "Peloton-Platform": "web" } },
      // Hourly at most, spread per member; Peloton has no push.
      sync: { pollIntervalSeconds: 3600, minPollIntervalSeconds: 3600, pollJitterSeconds: 900 },
    });
    expect(spec.webhook).toBeUndefined();
  });

  it("is found by its package name as a spec-only package", () => {
    const file = resolveConnectorSpecFile("@tributary/connector-peloton", resolve(CONNECTOR_DIR, "../.."));
    expect(realpathSync(file!)).toBe(realpathSync(join(CONNECTOR_DIR, "connector.yaml")));
  });

  it("its examples check clean (connector test)", async () => {
    const report = await checkConnectorExamples(peloton());
    expect(report.checks.filter((check) => check.problems.length > 0)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => [check.source, check.outcome, check.key?.key ?? null])).toEqual([
      ["mappings.activity.examples[0]", "record", "03d5c3d8b5b86b06572e96b90369ba8e"],
    ]);
  });
});
