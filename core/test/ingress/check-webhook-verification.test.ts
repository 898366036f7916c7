import { createHmac } from "node:crypto";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkWebhookVerification } from "../../src/ingress/check-webhook-verification.ts";
import type { ConnectorDefinition } from "../../src/spec/define-connector.ts";
import { loadConnectorFile } from "../../src/spec/load-connector.ts";
import hooked from "../spec/fixtures/valid/hooks-connector.ts";

const VALID = fileURLToPath(new URL("../spec/fixtures/valid/", import.meta.url));
const withWebhooks = readdirSync(VALID)
  .filter((name) => name.endsWith(".yaml") || name === "strava")
  .map((name) => loadConnectorFile(`${VALID}${name}`))
  .filter((definition) => definition.spec.webhook);

/** How the hook fixture's provider signs: HMAC-SHA256 of the query string, then the body. */
const signForHook = (body: Buffer, secret: string) => {
  const query = { nonce: "n-1" };
  return { headers: { "X-Acme-Signature": createHmac("sha256", secret).update(new URLSearchParams(query).toString()).update(body).digest("hex") }, query };
};

describe("checkWebhookVerification (what testConnector runs for a connector's pushes)", () => {
  it.each(withWebhooks.map((d) => [d.spec.name, d] as const))("%s: every check of its scheme passes", (_name, definition) => {
    const checks = checkWebhookVerification(definition, { options: { subscription_id: "120475" } });
    expect(checks.filter((c) => c.status !== "pass")).toEqual([]);
    const names = checks.map((c) => c.name).join("\n");
    expect(names).toMatch(/the right push is accepted/);
    expect(names).toMatch(/the same push twice is one push/);
    const scheme = definition.spec.webhook!.verify;
    if (scheme.scheme !== "none") expect(names).toMatch(/another secret is refused/);
    if (scheme.scheme === "none" && scheme.match) expect(names).toMatch(/another subscription is refused/);
    if (scheme.scheme === "terra" || (scheme.scheme === "hmac" && scheme.timestampHeader)) expect(names).toMatch(/signed stale is refused/);
  });

  it("a verify hook is checked with the connector's own signer, and skipped without one", () => {
    expect(checkWebhookVerification(hooked, { signWithHook: signForHook }).filter((c) => c.status !== "pass")).toEqual([]);
    expect(checkWebhookVerification(hooked)).toEqual([expect.objectContaining({ status: "skipped" })]);
  });

  it("fails a connector that accepts what it should refuse, or cannot be verified with the settings given", () => {
    const lax: ConnectorDefinition = { ...hooked, hooks: { ...hooked.hooks, verify: () => true } };
    const failed = checkWebhookVerification(lax, { signWithHook: signForHook })
      .filter((c) => c.status === "fail")
      .map((c) => c.name);
    expect(failed).toEqual([expect.stringContaining("another secret is refused")]);
    const strava = withWebhooks.find((d) => d.spec.name === "STRAVA")!;
    expect(checkWebhookVerification(strava)).toEqual([expect.objectContaining({ status: "fail", detail: expect.stringContaining("options.subscription_id") })]);
  });
});
