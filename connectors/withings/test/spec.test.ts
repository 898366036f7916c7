import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { resolveConnectorSpecFile, validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, withings } from "./withings.ts";

describe("WITHINGS spec", () => {
  it("is a valid connector: requesttoken with a status envelope, form POSTs told apart by action, a day of measure groups per Body", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    const spec = validation.definition!.spec;
    expect(spec).toMatchObject({
      name: "WITHINGS",
      dataTypes: ["body", "sleep", "daily", "activity"],
      auth: {
        type: "oauth2",
        scopeSeparator: ",",
        tokenParams: { action: "requesttoken" },
        tokenResponse: { root: "/body", statusPath: "/status" },
        providerUserId: { from: "token", path: "/userid" },
      },
      streams: { body: [{ name: "measures", dateRange: { maxWindowDays: 1, wholeDays: true }, collect: { into: "measuregrps" } }] },
      webhook: { body: "form", handshakes: [{ type: "head" }], verify: { scheme: "none" } },
    });
    // One subscription per category on connect, the same revoked on disconnect.
    const applis = (phase: "connect" | "disconnect") => (spec.auth as any).lifecycle[phase].map((r: any) => [r.body.action, r.body.appli]);
    expect(applis("connect")).toEqual(["1", "2", "4", "16", "44"].map((appli) => ["subscribe", appli]));
    expect(applis("disconnect")).toEqual(["1", "2", "4", "16", "44"].map((appli) => ["revoke", appli]));
  });

  it("maps its examples: the mapping's own and the webhook's", async () => {
    const { checks, ok } = await checkConnectorExamples(withings());
    expect(checks.filter((check) => check.outcome !== "record" && check.outcome !== "action")).toEqual([]);
    expect(checks.filter((check) => check.outcome === "action").map((check) => check.action)).toEqual(["pull_window", "pull_window", "pull_window"]);
    expect(ok).toBe(true);
    expect(checks.map((check) => check.source)).toEqual(["mappings.body.examples[0]", "webhook.examples[0]", "webhook.examples[1]", "webhook.examples[2]"]);
  });

  it("is found by its package name as a spec-only package", () => {
    const file = resolveConnectorSpecFile("@tributary/connector-withings", resolve(CONNECTOR_DIR, "../.."));
    expect(realpathSync(file!)).toBe(realpathSync(join(CONNECTOR_DIR, "connector.yaml")));
  });
});
