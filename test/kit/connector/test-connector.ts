import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { compileConnector } from "@tributary/core/connectors";
import { answerHandshake, checkWebhookVerification, type CheckWebhookVerificationOptions } from "@tributary/core/ingress";
import { silentLogger } from "@tributary/core/log";
import { runHandshakes, type MockFromSpecOptions, type SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { validateConnector, type ConnectorDefinition } from "@tributary/core/spec";
import type { DataType } from "@tributary/schemas";
import { describe, expect, it, onTestFinished } from "vitest";
import { startMockProvider } from "../mock-provider/start-mock.ts";
import { connectToMock, MOCK_CLIENT } from "./mock-connection.ts";
import { connectorClient, pullAndMap, pullFromMock } from "./pull.ts";

export interface TestConnectorOptions {
  /** What the mock serves (the connector folder's fixtures); required when the connector makes provider requests. */
  fixtures?: () => Promise<SpecFixtures>;
  /** The fixture user whose data is pulled. @default the first fixture user */
  user?: string | number;
  /** A window the fixture user has records in. */
  window: { start: Date; end: Date };
  mockOptions?: MockFromSpecOptions;
  /** How the webhook checks sign (a verify hook's signer, the subscription a `none` scheme matches). */
  webhook?: CheckWebhookVerificationOptions;
  /** The verify token handshakes are made with. @default "test-verify-token" */
  verifyToken?: string;
}

/**
 * The conformance every connector passes, as one describe block of the calling test file: the spec is
 * valid and compiles; every example maps to a valid record with a natural key; a read over the window
 * ends with valid records (through the mock's paging for HTTP streams); a 401 leads to exactly one
 * refresh; a 429 is waited out for its Retry-After; the webhook accepts a right signature and refuses a
 * wrong, stale or replayed one; handshakes answer. A check that cannot apply to the connector is still a
 * test, named "not applicable: <why>", which asserts the why — never a silent pass.
 */
export function testConnector(load: ConnectorDefinition | (() => ConnectorDefinition), options: TestConnectorOptions): void {
  const definition = typeof load === "function" ? load() : load;
  const { spec } = definition;
  const auth = spec.auth;
  const refreshes = auth.type === "oauth2" || auth.type === "oauth2_password";
  // A password grant's public client (Xert's) is the one the mock knows; else the kit's confidential one.
  const client = auth.type === "oauth2_password" && auth.publicClient ? { id: auth.publicClient.id, secret: auth.publicClient.secret ?? "" } : MOCK_CLIENT;
  const declaresExamples =
    Object.values(spec.mappings ?? {}).some((mapping) => (mapping.examples?.length ?? 0) > 0) ||
    Object.values(spec.streams ?? {}).some((streams) => (streams ?? []).some((stream) => stream.example !== undefined)) ||
    (spec.webhook?.examples?.length ?? 0) > 0;
  const fixtures = async () => {
    if (!options.fixtures) throw new Error(`testConnector(${spec.name}) needs fixtures: its streams make provider requests`);
    return options.fixtures();
  };
  const userOf = (found: SpecFixtures) => {
    const user = options.user === undefined ? found.users[0] : found.users.find((u) => String(u.id) === String(options.user));
    if (!user) throw new Error(`no fixture user ${String(options.user ?? "(first)")} for ${spec.name}`);
    return user;
  };

  describe(`${spec.name} testConnector()`, () => {
    it("the spec is valid and compiles (mappings, webhook data types)", async () => {
      const validation = await validateConnector(definition);
      expect(validation.problems).toEqual([]);
      expect(() => compileConnector(definition)).not.toThrow();
    });

    it(
      declaresExamples
        ? "every example maps to a valid record with a natural key (or is skipped or an action, as it says)"
        : "examples: the spec declares none to map (add mappings.<name>.examples or a stream example); the fixture records are mapped by the pull below",
      async () => {
      const report = await checkConnectorExamples(definition);
      const failures = report.checks.filter((check) => check.outcome === "failed" || check.outcome === "mismatch");
      expect(failures).toEqual([]);
      for (const check of report.checks.filter((c) => c.outcome === "record")) expect(check.key?.key, check.source).toBeTruthy();
      if (declaresExamples) expect(report.checks.some((check) => check.outcome === "record")).toBe(true);
      else expect(report.checks).toEqual([]);
      },
    );

    if (!spec.http) {
      it("reading the window ends with valid records (read hooks: no provider requests, so no paging)", async () => {
        const connector = compileConnector(definition);
        expect(connector.pullTypes.length).toBeGreaterThan(0);
        for (const dataType of connector.pullTypes) {
          let valid = 0;
          const connection = { userId: "test-user", provider: spec.name, referenceId: null, providerUserId: null };
          for await (const slice of connector.read(dataType as DataType, { connection, withSamples: true, log: silentLogger(), range: options.window, signal: AbortSignal.timeout(60_000) })) {
            expect(slice.rejected.map((r) => r.issues)).toEqual([]);
            valid += slice.valid.length;
          }
          expect(valid, dataType).toBeGreaterThan(0);
        }
      });
      it("401 → one refresh: not applicable (no http section: the connector makes no provider requests)", () => {
        expect(spec.http).toBeUndefined();
      });
      it("429 → Retry-After: not applicable (no http section: the connector makes no provider requests)", () => {
        expect(spec.http).toBeUndefined();
      });
    } else {
      it("a pull through the mock's paging ends, every record valid, each request answered", async () => {
        const found = await fixtures();
        const pull = await pullFromMock(definition, { fixtures: found, user: userOf(found), window: options.window, client, mockOptions: { ...options.mockOptions, rateLimits: false } });
        expect(pull.failures()).toEqual([]);
        expect(pull.delivered().length).toBeGreaterThan(0);
        for (const stats of Object.values(pull.stats)) expect(stats.pages).toBeGreaterThanOrEqual(1);
        expect(pull.mock.requests.filter((request) => request.status >= 400)).toEqual([]);
      });

      if (refreshes) {
        it("a 401 on an expired access token leads to exactly one refresh, and the pull completes", async () => {
          const found = await fixtures();
          const mock = await startMockProvider(spec, found, { ...options.mockOptions, rateLimits: false });
          const connection = await connectToMock(mock, userOf(found), client);
          mock.oauth!.tokens.expireAccessTokens();
          const transport = createUndiciTransport();
          onTestFinished(() => transport.close());
          const provider = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl, clientId: client.id, clientSecret: client.secret });
          const pull = await pullAndMap(definition, provider, { window: options.window, providerUserId: connection.providerUserId, credentials: connection.credentials });
          expect(connection.credentials.refreshes).toBe(1);
          expect(mock.requests.filter((request) => request.status === 401).length).toBeGreaterThanOrEqual(1);
          expect(pull.failures()).toEqual([]);
          expect(pull.delivered().length).toBeGreaterThan(0);
        });
      } else {
        it(`401 → one refresh: not applicable (auth ${auth.type} has nothing to refresh)`, async () => {
          const found = await fixtures();
          const mock = await startMockProvider(spec, found, { ...options.mockOptions, rateLimits: false });
          const connection = await connectToMock(mock, userOf(found), client);
          expect(await connection.credentials.refresh()).toBe(false);
        });
      }

      it("a 429 is waited out for its Retry-After, then the pull completes", async () => {
        const found = await fixtures();
        const first = await pullFromMock(definition, { fixtures: found, user: userOf(found), window: options.window, client, mockOptions: { ...options.mockOptions, rateLimits: false } });
        const dataRequests = first.mock.requests.length;
        // Half the requests the pull needs, per second: at least one 429 with a Retry-After of a second.
        const limited = await pullFromMock(definition, {
          fixtures: found,
          user: userOf(found),
          window: options.window,
          client,
          mockOptions: { ...options.mockOptions, rateLimits: [{ scope: "client", max: Math.max(1, Math.floor(dataRequests / 2)), perSeconds: 1 }] },
        });
        const log = limited.mock.requests;
        const refused = log.findIndex((request) => request.status === 429);
        expect(refused, "the mock refused a request").toBeGreaterThanOrEqual(0);
        const next = log.slice(refused + 1).find((request) => request.path === log[refused]!.path);
        expect(next, "the refused request was made again").toBeDefined();
        expect(next!.at - log[refused]!.at, "after the Retry-After").toBeGreaterThanOrEqual(900);
        expect(limited.delivered()).toEqual(first.delivered());
      });
    }

    const webhook = spec.webhook;
    if (!webhook) {
      it("webhook: not applicable (no webhook declared: the connector takes no pushes)", () => {
        expect(spec.webhook).toBeUndefined();
      });
    } else {
      for (const check of checkWebhookVerification(definition, options.webhook)) {
        if (check.status === "skipped") {
          it(`webhook: ${check.name} — not run: ${check.detail}`, () => {
            expect(webhook.verify.scheme, "only a verify hook without a signer is skipped").toBe("hook");
          });
        } else {
          it(`webhook: ${check.name}`, () => {
            expect(check.status, check.detail).toBe("pass");
          });
        }
      }
      const handshakes = webhook.handshakes ?? [];
      if (handshakes.length === 0) {
        it("handshakes: not applicable (the webhook declares none)", () => {
          expect(webhook.handshakes ?? []).toEqual([]);
        });
      } else {
        it(`handshakes answer as the provider expects (${handshakes.map((h) => h.type).join(", ")})`, async () => {
          const verifyToken = options.verifyToken ?? "test-verify-token";
          const server = createServer((request, response) => {
            const url = new URL(request.url ?? "/", "http://callback");
            const answer = answerHandshake(handshakes, { method: request.method ?? "GET", query: Object.fromEntries(url.searchParams) }, verifyToken);
            if ("json" in answer) response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
            else if ("text" in answer) response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.text);
            else response.writeHead(answer.status).end();
          });
          await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
          onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
          const { port } = server.address() as AddressInfo;
          const results = await runHandshakes(`http://127.0.0.1:${port}/webhook`, handshakes, { verifyToken });
          for (const result of results) expect(result.ok, result.detail).toBe(true);
        });
      }
    }
  });
}
