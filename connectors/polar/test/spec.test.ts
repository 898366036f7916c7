import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { resolveConnectorSpecFile, validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, polar } from "./polar.ts";

describe("POLAR spec", () => {
  it("is a valid connector: long-lived tokens without refresh, user registration on connect and removal on disconnect, hex HMAC-SHA256 pushes", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.definition!.spec).toMatchObject({
      name: "POLAR",
      dataTypes: ["activity", "sleep", "daily", "body"],
      auth: {
        type: "oauth2",
        clientAuth: "basic",
        refresh: "none",
        providerUserId: { from: "token", path: "/x_user_id" },
        lifecycle: {
          connect: [{ method: "POST", path: "/v3/users", body: { "member-id": "{user_id}" } }],
          disconnect: [{ method: "DELETE", path: "/v3/users/{provider_user_id}" }],
        },
      },
      webhook: { verify: { scheme: "hmac", header: "Polar-Webhook-Signature", algorithm: "sha256", encoding: "hex" }, userId: "/user_id", eventType: "/event" },
      sync: { maxHistoryDays: 30 },
    });
  });

  it("its push examples select their actions: an exercise is fetched by its id, the PING is acknowledged, physical information is fetched at its url", async () => {
    const { checks, ok } = await checkConnectorExamples(polar());
    expect(ok).toBe(true);
    expect(checks.map((check) => [check.source, check.action])).toEqual([
      ["webhook.examples[0]", "pull_object"],
      ["webhook.examples[1]", "ignore"],
      ["webhook.examples[2]", "pull_url"],
    ]);
  });

  it("is found by its package name as a spec-only package", () => {
    const file = resolveConnectorSpecFile("@tributary/connector-polar", resolve(CONNECTOR_DIR, "../.."));
    expect(realpathSync(file!)).toBe(realpathSync(join(CONNECTOR_DIR, "connector.yaml")));
  });
});
