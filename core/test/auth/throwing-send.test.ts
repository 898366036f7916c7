import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SendProviderRequest } from "../../src/auth/send-provider-request.ts";
import { ErrorCodes } from "../../src/errors/codes.ts";
import { TransientError, UserError } from "../../src/errors/tributary-error.ts";
import { buildService, connectAccount, consent, openTestStore, REDIS_URL, type ServiceHarness, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import { createTestSend } from "./support/test-send.ts";
import { bearerAuth, genericAuth, specFor } from "./support/test-specs.ts";

const CLIENT = { clientId: "throwing-client", clientSecret: "throwing-secret-0123456789" };

/**
 * The provider client resolves only successes and throws for the rest, with the status in the error's
 * details (a 401 its refresh could not cure: ERR_AUTH_REVOKED). Auth must read the same decisions from
 * that style as from answers with a status.
 */
function throwingSend(server: () => string): SendProviderRequest {
  const answering = createTestSend(server);
  return async (request, credentials, context) => {
    const answer = await answering(request, credentials, context);
    if (answer.status >= 200 && answer.status < 300) return answer;
    const details = { status: answer.status };
    if (answer.status === 401) throw new UserError(ErrorCodes.AUTH_REVOKED, `refused the credentials (${answer.status})`, { details });
    if (answer.status >= 500) throw new TransientError(ErrorCodes.PROVIDER_UNAVAILABLE, `answered ${answer.status}`, { details });
    throw new UserError(ErrorCodes.PROVIDER_REQUEST_FAILED, `answered ${answer.status}`, { details });
  };
}

describe("auth over a provider client that throws for failures", () => {
  let db: TestStore;
  let redis: Redis;
  let server: OAuthTestServer;
  let h: ServiceHarness;

  beforeAll(async () => {
    db = await openTestStore("pglite");
    redis = new Redis(REDIS_URL);
    server = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic" });
    h = buildService(
      db.store,
      redis,
      { GENERIC: specFor("GENERIC", server.url, genericAuth()), TOKEN: specFor("TOKEN", server.url, bearerAuth()) },
      {
        GENERIC: { enabled: true, ...CLIENT },
      },
      () => server.url,
      { send: throwingSend(() => server.url) },
    );
  });

  afterAll(async () => {
    await server?.close();
    redis?.disconnect();
    await db?.close();
  });

  it("counts a registration that already exists (409) as done", async () => {
    server.registeredUsers.add("thrower-1");
    const userId = await connectAccount(h.service, server, "GENERIC", "thrower-1");
    expect((await db.store.getConnection(userId))?.provider_user_id).toBe("thrower-1");
  });

  it("tells a refused registration (provider_error) from a failing provider (temporarily_unavailable)", async () => {
    for (const [status, reason] of [
      [400, "provider_error"],
      [503, "temporarily_unavailable"],
    ] as const) {
      server.account = { userId: `thrower-${status}` };
      server.registrationStatus = status;
      try {
        const start = await h.service.beginAuthorization({ provider: "GENERIC" });
        const outcome = await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url) });
        expect(outcome).toMatchObject({ ok: false, reason });
        expect(await db.store.getConnection(start.userId)).toBeUndefined();
      } finally {
        server.registrationStatus = undefined;
      }
    }
  });

  it("takes a thrown 401 on the account request as a refused token", async () => {
    expect(await h.service.connectWithToken({ provider: "TOKEN", token: "unknown-token-value" })).toMatchObject({
      ok: false,
      reason: "invalid_credentials",
      error: { code: "ERR_AUTH_INVALID" },
    });
  });

  it("counts a deregistration of a user the provider no longer knows (404) as done", async () => {
    const userId = await connectAccount(h.service, server, "GENERIC", "thrower-2");
    server.registeredUsers.delete("thrower-2");
    const report = await h.service.revoke(userId);
    expect(report.requests).toEqual([
      { request: "DELETE /api/users/{provider_user_id}", ok: true, status: 404 },
      { request: "POST /oauth/deauthorize", ok: true, status: 200 },
    ]);
  });
});
