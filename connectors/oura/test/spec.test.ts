import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, oura } from "./oura.ts";

describe("OURA spec", () => {
  it("is a valid connector: authorization code, the user from personal_info, next_token paging, x-oura-signature over timestamp + body", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.definition!.spec).toMatchObject({
      name: "OURA",
      dataTypes: ["activity", "daily", "sleep"],
      auth: { type: "oauth2", refresh: "rotating", providerUserId: { from: "request", path: "/id" } },
      streams: { sleep: [{ paging: { type: "cursor", param: "next_token", cursorPath: "/next_token" } }] },
      webhook: {
        verify: {
          scheme: "hmac",
          header: "x-oura-signature",
          algorithm: "sha256",
          encoding: "hex",
          secret: "clientSecret",
          timestampHeader: "x-oura-timestamp",
        },
        handshakes: [{ type: "challenge", param: "challenge", verifyTokenParam: "verification_token", respond: "json" }],
        userId: "/user_id",
      },
    });
  });

  it("every example push selects its event and user (connector test)", async () => {
    const report = await checkConnectorExamples(oura());
    expect(report.checks.filter((check) => check.outcome === "failed" || check.outcome === "mismatch")).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
