import type { OAuth2PasswordAuthSpec } from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import { resolveOAuthClient } from "../../src/auth/oauth-client.ts";

const xert: OAuth2PasswordAuthSpec = {
  type: "oauth2_password",
  tokenUrl: "https://www.xertonline.com/oauth/token",
  publicClient: { id: "xert_public", secret: "xert_public" },
};

describe("OAuth client resolution", () => {
  it("takes the operator's client over the spec's public one", () => {
    expect(resolveOAuthClient("XERT", xert, { clientId: "mine", clientSecret: "s3cret" })).toEqual({
      clientId: "mine",
      clientSecret: "s3cret",
      source: "config",
    });
    expect(resolveOAuthClient("XERT", xert, { clientId: "mine" })).toEqual({ clientId: "mine", source: "config" });
  });

  it("falls back to the public client, also when the config leaves the values empty (${VAR:-})", () => {
    expect(resolveOAuthClient("XERT", xert, undefined)).toEqual({ clientId: "xert_public", clientSecret: "xert_public", source: "publicClient" });
    expect(resolveOAuthClient("XERT", xert, { clientId: "", clientSecret: "" })).toMatchObject({ source: "publicClient" });
  });

  it("says what to configure when there is no client, or a secret without its id", () => {
    const spec: OAuth2PasswordAuthSpec = { type: "oauth2_password", tokenUrl: "https://x.example/token" };
    expect(() => resolveOAuthClient("OURA", spec, {})).toThrow(
      expect.objectContaining({ code: "ERR_AUTH_CLIENT", message: "providers.OURA.clientId is not set" }),
    );
    expect(() => resolveOAuthClient("OURA", spec, { clientSecret: "s" })).toThrow(
      expect.objectContaining({ code: "ERR_AUTH_CLIENT", hint: expect.stringContaining("providers.OURA.clientId") }),
    );
  });
});
