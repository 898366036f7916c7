import { describe, expect, it } from "vitest";
import { authMethodFor, authMethods } from "../../src/auth/auth-methods.ts";
import { createPluginRegistry } from "../../src/registry/index.ts";
import { connectFlowKinds } from "../../src/services/connect-flow-kind.ts";
import { unavailableReason } from "../../src/services/provider-availability.ts";
import { defineConnector, loadConnectorFile } from "../../src/spec/index.ts";

const folder = (name: string) => loadConnectorFile(new URL(`../../../connectors/${name}/`, import.meta.url).pathname);

/** An OAuth provider that publishes no client: it needs the operator's. */
const unclientedOAuth = () =>
  defineConnector({
    spec: {
      name: "OAUTHY",
      displayName: "OAuthy",
      dataTypes: ["activity"],
      auth: { type: "oauth2", authorizeUrl: "https://oauthy.example/authorize", tokenUrl: "https://oauthy.example/token", scopes: ["activity"] },
      http: { baseUrl: "https://oauthy.example/api" },
      streams: { activity: [{ name: "activities", request: { path: "/activities" }, id: "/id" }] },
    },
    hooks: { map: { activity: () => null } },
  });

describe("which connection methods a provider offers here", () => {
  const registry = createPluginRegistry([folder("peloton"), folder("xert"), unclientedOAuth()]);

  it("PELOTON: the Auth0 redirect with its public client, and a pasted bearer token under it", () => {
    expect(connectFlowKinds(registry, "PELOTON")).toEqual(["redirect", "token"]);
    expect(unavailableReason(registry, "PELOTON", undefined)).toBeUndefined();
    expect(unavailableReason(registry, "PELOTON", { enabled: false })).toBe("providers.PELOTON.enabled is false");
  });

  it("XERT: the password form with xert_public; the consent redirect only once the operator configures a partner client", () => {
    expect(connectFlowKinds(registry, "XERT")).toEqual(["password"]);
    expect(connectFlowKinds(registry, "XERT", { XERT: { clientId: "partner-id", clientSecret: "partner-secret" } })).toEqual(["password", "redirect"]);
  });

  it("an OAuth provider with neither a configured nor a public client offers nothing, and says what to set", () => {
    expect(connectFlowKinds(registry, "OAUTHY")).toEqual([]);
    expect(unavailableReason(registry, "OAUTHY", {})).toMatch(/^providers\.OAUTHY\.clientId is not set and OAUTHY publishes no public client/);
    expect(connectFlowKinds(registry, "OAUTHY", { OAUTHY: { clientId: "mine" } })).toEqual(["redirect"]);
    expect(unavailableReason(registry, "OAUTHY", { clientId: "mine" })).toBeUndefined();
  });

  it("a stored connection is authenticated with the method its tokens name; older tokens with the main one", () => {
    const auth = registry.connector("PELOTON").definition.spec.auth;
    expect(authMethods(auth).map((method) => method.type)).toEqual(["oauth2", "bearer_token"]);
    expect(authMethods(auth)[0]).not.toHaveProperty("alternatives");
    expect(authMethodFor(auth, "bearer_token").type).toBe("bearer_token");
    expect(authMethodFor(auth, "oauth2").type).toBe("oauth2");
    expect(authMethodFor(auth, undefined).type).toBe("oauth2");
    expect(authMethodFor(auth, "api_key").type).toBe("oauth2");
  });
});
