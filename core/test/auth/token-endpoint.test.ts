import type { ConnectorSpec } from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import { createTokenEndpoint } from "../../src/auth/token-endpoint.ts";
import type { TokenFailureKind } from "../../src/auth/token-endpoint-error.ts";
import type { ProviderRequest, ProviderResponse } from "../../src/provider-http/transport.ts";
import { specFor } from "./support/test-specs.ts";

const REFRESH_TOKEN = "rt-the-refresh-token-value";
const CLIENT_SECRET = "client-secret-value-123";

/** A token endpoint whose transport answers `reply` (or throws it) and records what was sent. */
function endpointAnswering(
  reply: (Partial<ProviderResponse> & { json?: unknown; text?: string }) | Error,
  spec: ConnectorSpec = specFor("P", "https://provider.example", { type: "oauth2", authorizeUrl: "/authorize", tokenUrl: "/oauth/token", scopes: [] }),
) {
  const sent: ProviderRequest[] = [];
  const endpoint = createTokenEndpoint({
    provider: "P",
    spec,
    auth: spec.auth as never,
    settings: undefined,
    client: { clientId: "client-id", clientSecret: CLIENT_SECRET, source: "config" },
    transport: async (request) => {
      sent.push(request);
      if (reply instanceof Error) throw reply;
      const body = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
      return { status: reply.status ?? 200, headers: { "content-type": "application/json", ...reply.headers }, body: Buffer.from(body) };
    },
  });
  return { endpoint, sent };
}

const failureOf = async (reply: Parameters<typeof endpointAnswering>[0], spec?: ConnectorSpec) => {
  const { endpoint } = endpointAnswering(reply, spec);
  const error = await endpoint.refresh(REFRESH_TOKEN).then(
    () => undefined,
    (e: unknown) => e as { kind: TokenFailureKind; message: string; status?: number; providerError?: string; retryAfterMs?: number },
  );
  if (error === undefined) throw new Error("expected the refresh to fail");
  expect(error.message).not.toContain(REFRESH_TOKEN);
  expect(error.message).not.toContain(CLIENT_SECRET);
  return error;
};

describe("token endpoint answers, classified", () => {
  it.each<[string, Parameters<typeof endpointAnswering>[0], TokenFailureKind, string | undefined]>([
    ["400 invalid_grant", { status: 400, json: { error: "invalid_grant" } }, "refused", "invalid_grant"],
    ["400 invalid_request", { status: 400, json: { error: "invalid_request", error_description: "refresh_token malformed" } }, "refused", "invalid_request"],
    ["401 invalid_grant (Xert's bad password)", { status: 401, json: { error: "invalid_grant" } }, "refused", "invalid_grant"],
    ["400 invalid_scope", { status: 400, json: { error: "invalid_scope" } }, "refused", "invalid_scope"],
    ["401 invalid_client", { status: 401, json: { error: "invalid_client" }, headers: { "www-authenticate": 'Basic realm="x"' } }, "client", "invalid_client"],
    ["400 unauthorized_client", { status: 400, json: { error: "unauthorized_client" } }, "client", "unauthorized_client"],
    ["400 unsupported_grant_type", { status: 400, json: { error: "unsupported_grant_type" } }, "client", "unsupported_grant_type"],
    [
      "400 Strava-style errors array",
      { status: 400, json: { message: "Bad Request", errors: [{ resource: "RefreshToken", field: "refresh_token", code: "invalid" }] } },
      "refused",
      undefined,
    ],
    ["401 without a body", { status: 401, text: "" }, "refused", undefined],
    ["403 HTML page", { status: 403, text: "<html>Forbidden</html>", headers: { "content-type": "text/html" } }, "refused", undefined],
    ["404", { status: 404, text: "not found" }, "client", undefined],
    ["405", { status: 405, text: "" }, "client", undefined],
    ["302 to a login page", { status: 302, headers: { location: "https://provider.example/login" } }, "client", undefined],
    ["408", { status: 408, text: "" }, "unavailable", undefined],
    ["429", { status: 429, json: { message: "slow down" } }, "unavailable", undefined],
    ["500", { status: 500, text: "oops" }, "unavailable", undefined],
    ["502 HTML", { status: 502, text: "<html>Bad gateway</html>", headers: { "content-type": "text/html" } }, "unavailable", undefined],
    ["503 temporarily_unavailable", { status: 503, json: { error: "temporarily_unavailable" } }, "unavailable", "temporarily_unavailable"],
    ["400 temporarily_unavailable", { status: 400, json: { error: "temporarily_unavailable" } }, "unavailable", "temporarily_unavailable"],
    ["200 that is not JSON", { status: 200, text: "<html>ok</html>", headers: { "content-type": "text/html" } }, "invalid_response", undefined],
    ["200 JSON array", { status: 200, json: [{ access_token: "x" }] }, "invalid_response", undefined],
    ["200 without access_token", { status: 200, json: { token_type: "Bearer" } }, "invalid_response", undefined],
    ["200 with an unknown token type", { status: 200, json: { access_token: "x", token_type: "mac" } }, "invalid_response", undefined],
  ])("%s → %s", async (_name, reply, kind, providerError) => {
    const error = await failureOf(reply);
    expect(error.kind).toBe(kind);
    expect(error.providerError).toBe(providerError);
  });

  it("waits as long as Retry-After says, in seconds or as a date", async () => {
    expect((await failureOf({ status: 429, headers: { "retry-after": "7" } })).retryAfterMs).toBe(7000);
    const later = new Date(Date.now() + 60_000).toUTCString();
    expect((await failureOf({ status: 503, headers: { "retry-after": later } })).retryAfterMs).toBeGreaterThan(50_000);
  });

  it("reports an unreachable endpoint as unavailable, without the request's secrets", async () => {
    const error = await failureOf(new Error(`connect ECONNREFUSED while sending refresh_token=${REFRESH_TOKEN}`));
    expect(error).toMatchObject({ kind: "unavailable" });
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("scrubs what the provider quotes back, in every encoding it might", async () => {
    for (const quoted of [REFRESH_TOKEN, encodeURIComponent(`${REFRESH_TOKEN}`), CLIENT_SECRET]) {
      const error = await failureOf({ status: 400, json: { error: "invalid_grant", error_description: `token ${quoted} is not valid` } });
      expect(error.message).toContain("[redacted]");
    }
  });

  it("takes JSON sent as text/html, fills in a missing token_type, and drops an id_token it was not asked to validate", async () => {
    const { endpoint } = endpointAnswering({
      status: 200,
      text: JSON.stringify({ access_token: "at", expires_in: "3600", id_token: "eyJ.not.validated" }),
      headers: { "content-type": "text/html" },
    });
    const tokens = await endpoint.refresh(REFRESH_TOKEN);
    expect(tokens).toMatchObject({ access_token: "at", token_type: "bearer", expires_in: 3600 });
    expect(tokens).not.toHaveProperty("id_token");
  });

  it("treats optional fields sent as null as absent, and a scope list as its words", async () => {
    const { endpoint } = endpointAnswering({
      status: 200,
      json: { access_token: "at", token_type: "bearer", refresh_token: null, expires_in: null, scope: ["read", "write"] },
    });
    const tokens = await endpoint.refresh(REFRESH_TOKEN);
    expect(tokens).toMatchObject({ access_token: "at", scope: "read write" });
    expect(tokens).not.toHaveProperty("refresh_token");
    expect(tokens).not.toHaveProperty("expires_in");
  });

  it("reads a status envelope: success at root, refusals and other failures by status value", async () => {
    const spec = specFor("W", "https://provider.example", {
      type: "oauth2",
      authorizeUrl: "/a",
      tokenUrl: "/t",
      scopes: [],
      tokenBody: "json",
      tokenParams: { action: "requesttoken" },
      tokenResponse: { root: "/body", statusPath: "/status", refusedValues: [401], errorPath: "/error" },
    });
    const ok = endpointAnswering({ status: 200, json: { status: 0, body: { access_token: "at", token_type: "Bearer", userid: 7 } } }, spec);
    expect(await ok.endpoint.refresh(REFRESH_TOKEN)).toMatchObject({ access_token: "at", userid: 7 });
    expect(ok.sent[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(String(ok.sent[0]?.body))).toMatchObject({
      grant_type: "refresh_token",
      refresh_token: REFRESH_TOKEN,
      action: "requesttoken",
      client_id: "client-id",
    });

    expect(await failureOf({ status: 200, json: { status: 401, body: {}, error: `invalid refresh_token ${REFRESH_TOKEN}` } }, spec)).toMatchObject({
      kind: "refused",
      providerError: "401",
    });
    expect(await failureOf({ status: 200, json: { status: 601, body: {}, error: "too many requests" } }, spec)).toMatchObject({
      kind: "unavailable",
      providerError: "601",
    });
    expect(await failureOf({ status: 200, json: { status: 0 } }, spec)).toMatchObject({ kind: "invalid_response" });
  });

  it("only talks https, except to loopback mocks", () => {
    const spec = (tokenUrl: string) => specFor("H", "https://provider.example", { type: "oauth2", authorizeUrl: "/a", tokenUrl, scopes: [] });
    expect(() => endpointAnswering({ status: 200 }, spec("http://provider.example/token"))).toThrow(/not https/);
    expect(() => endpointAnswering({ status: 200 }, spec("http://127.0.0.1:9/token"))).not.toThrow();
    expect(() => endpointAnswering({ status: 200 }, spec("ftp://provider.example/token"))).toThrow(/not https/);
  });
});
