import { randomUUID } from "node:crypto";
import { readPush } from "@tributary/core/authoring";
import type { Destination } from "@tributary/core/contracts";
import type { MockProvider } from "@tributary/core/mock-provider";
import { createPluginRegistry } from "@tributary/core/registry";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { connectToMock, MOCK_CLIENT } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { garmin, garminFixtures, NOOR } from "../../connectors/garmin/test/garmin.ts";

const definition = garmin();

/**
 * The notifications of one Garmin push body (an example's, or one a test makes) as the ingress queues them:
 * one ingest job for Noor's connection. `only` keeps the notifications of one summary type (a ping of it alone).
 */
export function garminIngestJob(
  userId: string,
  body: unknown,
  only?: { eventType: string; change?: (document: Record<string, unknown>) => Record<string, unknown> },
) {
  const notifications = readPush(definition.spec.webhook!, body)
    .filter((notification) => !only || notification.eventType === only.eventType)
    .map((notification) => ({
      id: randomUUID(),
      provider: "GARMIN",
      userId,
      providerUserId: NOOR,
      eventType: notification.eventType,
      notification: (only?.change ?? ((document) => document))(notification.document as Record<string, unknown>),
      receivedAt: Date.now(),
      traceId: randomUUID(),
    }));
  return { name: `GARMIN:${only?.eventType ?? "push"}`, data: { notifications } };
}

export interface GarminStage {
  mock: MockProvider;
  harness: RuntimeHarness;
  /** Noor's Terra user id, connected through the mock's consent. */
  userId: string;
  close(): Promise<void>;
}

/** Garmin's mock and a runtime delivering to `destinations`, with Noor connected through the mock (her token stored). */
export async function startGarminStage(destinations: Record<string, Destination>): Promise<GarminStage> {
  const fixtures = await garminFixtures(definition);
  const mock = await startMockProvider(definition.spec, fixtures, { autoClose: false });
  let harness: RuntimeHarness | undefined;
  try {
    harness = await startTestRuntime({
      destinations,
      registry: createPluginRegistry([definition]),
      providers: { GARMIN: { baseUrl: mock.urls().baseUrl, clientId: MOCK_CLIENT.id, clientSecret: MOCK_CLIENT.secret } },
    });
    const connection = await connectToMock(mock, fixtures.users.find((user) => String(user.id) === NOOR)!);
    const tokens = { auth_type: "oauth2", access_token: connection.credentials.accessToken, expires_at: Date.now() + 3_600_000, obtained_at: Date.now() };
    const { user_id: userId } = await harness.store.createConnection({ provider: "GARMIN", providerUserId: NOOR, tokens });
    const started = harness;
    return {
      mock,
      harness: started,
      userId,
      async close() {
        await started.close();
        await mock.close();
      },
    };
  } catch (error) {
    await harness?.close();
    await mock.close();
    throw error;
  }
}
