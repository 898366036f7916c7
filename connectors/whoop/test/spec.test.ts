import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, whoop } from "./whoop.ts";

describe("WHOOP spec", () => {
  it("is a valid connector: authorization code with state and offline, the user from the profile, nextToken paging, X-WHOOP-Signature over the ms timestamp + body", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.definition!.spec).toMatchObject({
      name: "WHOOP",
      dataTypes: ["activity", "daily", "sleep", "body"],
      auth: {
        type: "oauth2",
        state: true,
        scopes: expect.arrayContaining(["offline"]),
        tokenParams: { scope: "offline" },
        refresh: "rotating",
        providerUserId: { from: "request", path: "/user_id" },
      },
      http: {
        rateLimits: [
          { name: "minute", max: 100, perSeconds: 60 },
          { name: "day", max: 10000, perSeconds: 86400 },
        ],
      },
      streams: { sleep: [{ paging: { type: "cursor", param: "nextToken", cursorPath: "/next_token", sizeParam: "limit", size: 25 } }] },
      webhook: {
        verify: {
          scheme: "hmac",
          header: "X-WHOOP-Signature",
          algorithm: "sha256",
          encoding: "base64",
          secret: "clientSecret",
          timestampHeader: "X-WHOOP-Signature-Timestamp",
          timestampUnit: "ms",
        },
        userId: "/user_id",
      },
    });
    expect(validation.definition!.spec.webhook!.handshakes).toBeUndefined();
  });

  it("every example push selects its event and user (connector test)", async () => {
    const report = await checkConnectorExamples(whoop());
    expect(report.checks.filter((check) => check.outcome === "failed" || check.outcome === "mismatch")).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
