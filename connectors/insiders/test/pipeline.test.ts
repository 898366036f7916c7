import { randomUUID } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import { payloadRecords } from "@tributary/core/contracts";
import { getSchemaRegistry } from "@tributary/schemas";
import { createPluginRegistry } from "@tributary/core/registry";
import { enqueueBackfill } from "@tributary/core/services";
import { waitForIdle } from "@tributary/core/runtime";
import { MOCK_CLIENT } from "@tributary/test-kit/connector";
import { startMockProvider, submitConsent } from "@tributary/test-kit/mock-provider";
import { startPipeline, receivedFor } from "../../../core/test/runtime/pipeline.ts";
import { ADA, insiders, insidersFixtures, MARCH } from "./insiders.ts";

/**
 * INSIDERS as the runtime runs it: connected to its mock through the auth service (authorization code with
 * PKCE), then pulled by pull jobs through the provider client and stream executor, mapped, validated and
 * delivered to a webhook destination.
 */
describe("INSIDERS through the pipeline", () => {
  async function start() {
    const definition = insiders();
    const mock = await startMockProvider(definition.spec, await insidersFixtures(definition));
    // providers.INSIDERS.baseUrl moves the API and the auth endpoints given as paths; the consent page and
    // token endpoint are absolute URLs in the spec, so the test points them at the mock itself.
    const urls = mock.urls();
    const auth = definition.spec.auth as Extract<typeof definition.spec.auth, { type: "oauth2" }>;
    const registry = createPluginRegistry([
      { ...definition, spec: { ...definition.spec, auth: { ...auth, authorizeUrl: urls.authorizeUrl!, tokenUrl: urls.tokenUrl! } } },
    ]);
    await registry.load(["@tributary/connector-sandbox"]);
    const pipeline = await startPipeline({
      registry,
      providers: { INSIDERS: { baseUrl: mock.urls().baseUrl, clientId: MOCK_CLIENT.id, clientSecret: MOCK_CLIENT.secret, backfillDays: 0 } },
    });
    onTestFinished(() => pipeline.close());
    const { ctx } = pipeline;
    const begun = await ctx.access.auth.beginAuthorization({ provider: "INSIDERS", referenceId: "ada-ref" });
    const consent = await submitConsent(begun.url, "approve", { user: ADA });
    expect(consent.location).toBeDefined();
    const outcome = await ctx.access.auth.completeAuthorization({ provider: "INSIDERS", query: new URL(consent.location!).searchParams });
    if (!outcome.ok) expect.fail(JSON.stringify(outcome));
    return { mock, pipeline, ctx, user: outcome.connection };
  }

  it("connects Ada through the auth service and delivers March's activities, valid, with their samples", async () => {
    const { ctx, pipeline, user } = await start();
    expect(user.provider_user_id).toBe(ADA);
    await enqueueBackfill(ctx, user.user_id, "INSIDERS", MARCH, randomUUID());
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });

    const received = receivedFor(pipeline.receiver, user.user_id, "activity");
    const records = received.flatMap((r) => payloadRecords(r.payload).map((entry) => entry.record as { metadata: { summary_id: string } }));
    expect(records).toHaveLength(11);
    for (const record of records) expect(getSchemaRegistry().validate("activity", record).ok).toBe(true);
    expect(new Set(records.map((record) => record.metadata.summary_id)).size).toBe(11);
  }, 120_000);

  it("a user who withdrew access at the provider: the refused refresh marks the connection, and access_revoked reaches the destination once", async () => {
    const { ctx, pipeline, user, mock } = await start();
    // Ada withdraws access in the Insiders app: the grant ends (RFC 7009 on the access token ends it all).
    const tokens = (await ctx.store.getTokens(user.user_id)) as { access_token: string };
    const revoked = await fetch(`${mock.urls().baseUrl}/oauth/revoke`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${MOCK_CLIENT.id}:${MOCK_CLIENT.secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ token: tokens.access_token, token_type_hint: "access_token" }),
    });
    expect(revoked.status).toBe(200);
    await enqueueBackfill(ctx, user.user_id, "INSIDERS", MARCH, randomUUID());
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    const events = receivedFor(pipeline.receiver, user.user_id).filter((r) => r.payload.type === "access_revoked" || r.payload.type === "connection_error");
    expect(events.map((r) => r.payload.type)).toEqual(["access_revoked"]);
    expect((await ctx.store.getConnection(user.user_id))?.auth_status).toBe("revoked");
  }, 120_000);
});
