import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "./api-harness.ts";

/**
 * Requests as Terra's own clients and common HTTP libraries send them, which a server must take as Terra
 * does: Terra's JavaScript SDK (npm `terra-api` 1.x) sends `Content-Type: application/json` on every call,
 * its DELETE /auth/deauthenticateUser included, with no body; Terra's spec makes the authenticateUser body
 * optional. Every answer is checked against the OpenAPI document by the harness.
 */

const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, any>;

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function connect(referenceId: string): Promise<string> {
  const response = await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", { body: { reference_id: referenceId } });
  expect(response.statusCode, response.body).toBe(200);
  return json(response).user_id as string;
}

describe("a JSON content type with no body", () => {
  it("DELETE /v2/auth/deauthenticateUser deauthenticates the user, as Terra's JavaScript SDK asks for it", async () => {
    const userId = await connect(`sdk-deauth-${Date.now()}`);
    const response = await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { headers: { "content-type": "application/json" } });
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ status: "success", message: "User has been deauthenticated" });
    expect((await api.store.getConnection(userId))?.active).toBe(false);
  });

  it("GET and POST routes without a body schema take it too", async () => {
    const userId = await connect(`sdk-get-${Date.now()}`);
    const info = await api.call("GET", `/v2/userInfo?user_id=${userId}`, { headers: { "content-type": "application/json" } });
    expect(info.statusCode, info.body).toBe(200);
    const paused = await api.call("POST", `/v2/users/${userId}/pause`, { headers: { "content-type": "application/json" } });
    expect(paused.statusCode, paused.body).toBe(200);
  });

  it("a body that is not JSON is still refused, in Terra's problem shape with a stable code", async () => {
    for (const payload of ["{", "   ", '{"__proto__": {"admin": true}}']) {
      const response = await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", { headers: { "content-type": "application/json" }, payload });
      expect(response.statusCode, payload).toBe(400);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(json(response).code).toBe("ERR_API_REQUEST_INVALID");
    }
  });
});

describe("POST /v2/auth/authenticateUser without a body (optional in Terra's spec)", () => {
  it.each([
    ["no body and no content type", {}],
    ["a JSON content type and no body", { headers: { "content-type": "application/json" } }],
  ])("%s: the user is connected with no reference_id", async (_, options) => {
    const response = await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", options);
    expect(response.statusCode, response.body).toBe(200);
    const answer = json(response);
    expect(answer).toMatchObject({ status: "success", user_id: expect.any(String) });
    expect((await api.store.getConnection(answer.user_id))?.reference_id).toBeNull();
  });

  it("the OpenAPI document says so, and still requires the widget session's body", async () => {
    const document = json(await api.call("GET", "/v2/openapi.json"));
    expect(document.paths["/v2/auth/authenticateUser"].post.requestBody.required).toBe(false);
    expect(document.paths["/v2/auth/authenticateUser"].post["x-optional-body"]).toBeUndefined();
    expect(document.paths["/v2/auth/generateWidgetSession"].post.requestBody.required).toBe(true);
  });
});
