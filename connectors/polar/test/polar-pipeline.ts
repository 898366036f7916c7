import { randomUUID } from "node:crypto";
import { expect, onTestFinished } from "vitest";
import type { MockProvider } from "@tributary/core/mock-provider";
import { createPluginRegistry } from "@tributary/core/registry";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { MOCK_CLIENT } from "@tributary/test-kit/connector";
import { submitConsent } from "@tributary/test-kit/mock-provider";
import { startPipeline } from "../../../core/test/runtime/pipeline.ts";

/**
 * The runtime (Redis, PostgreSQL, a webhook destination) with POLAR pointed at a mock (listening from now
 * on), both closed when the test ends; `connect` runs Ava's consent and answers her connection.
 */
export async function polarPipeline(definition: ConnectorDefinition, mock: MockProvider) {
  await mock.listen();
  onTestFinished(() => mock.close());
  const urls = mock.urls();
  const auth = definition.spec.auth as Extract<typeof definition.spec.auth, { type: "oauth2" }>;
  const registry = createPluginRegistry([
    { ...definition, spec: { ...definition.spec, auth: { ...auth, authorizeUrl: urls.authorizeUrl!, tokenUrl: urls.tokenUrl! } } },
  ]);
  const pipeline = await startPipeline({
    registry,
    providers: { POLAR: { baseUrl: urls.baseUrl, clientId: MOCK_CLIENT.id, clientSecret: MOCK_CLIENT.secret, backfillDays: 0 } },
  });
  onTestFinished(() => pipeline.close());
  const { ctx } = pipeline;
  const connect = async () => {
    const begun = await ctx.access.auth.beginAuthorization({ provider: "POLAR", referenceId: `ava-${randomUUID()}` });
    const consent = await submitConsent(begun.url, "approve", { username: "ava@example.com", password: "polar-ava" });
    const outcome = await ctx.access.auth.completeAuthorization({ provider: "POLAR", query: new URL(consent.location!).searchParams });
    if (!outcome.ok) expect.fail(JSON.stringify(outcome));
    return outcome.connection;
  };
  return { pipeline, ctx, connect };
}
