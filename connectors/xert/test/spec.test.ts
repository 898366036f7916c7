import { describe, expect, it } from "vitest";
import { validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR } from "./xert.ts";

describe("XERT spec", () => {
  it("is a valid connector: the password grant with Xert's public client, windows of 30 days, polling", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.definition!.spec).toMatchObject({
      name: "XERT",
      dataTypes: ["activity", "athlete"],
      auth: {
        type: "oauth2_password",
        clientAuth: "basic",
        publicClient: { id: "xert_public", secret: "xert_public" },
        refresh: "rotating",
        providerUserId: { from: "username" },
      },
      streams: { activity: [{ name: "activities", dateRange: { maxWindowDays: 30, start: { format: "unix_seconds" } } }] },
      sync: { pollIntervalSeconds: 3600 },
    });
    expect(validation.definition!.spec.webhook).toBeUndefined();
  });
});
