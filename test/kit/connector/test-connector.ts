import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { compileConnector } from "@tributary/core/connectors";
import { ErrorCodes } from "@tributary/core/contracts";
import { acknowledgement, answerHandshake, checkWebhookVerification, type CheckWebhookVerificationOptions } from "@tributary/core/ingress";
import { silentLogger } from "@tributary/core/log";
import { runHandshakes, sendPush, signPush, type MockFromSpecOptions, type MockProvider, type SpecFixtures } from "@tributary/core/mock-provider";
import { validateConnector, type ConnectorDefinition } from "@tributary/core/spec";
import type { DataType } from "@tributary/schemas";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ProviderClient } from "@tributary/core/provider-http";
import { startMockProvider } from "../mock-provider/start-mock.ts";
import { unanswered } from "./exchanges.ts";
import { connectToMock, MOCK_CLIENT, type MockConnection } from "./mock-connection.ts";
import { mergePulls, mockClient, pullAndMap, pullFromMock, sendConnectRequests, transactionStreams, type PullResult, type TransportWrapper } from "./pull.ts";
import { examplePushPulls, runPushPull } from "./push-pulls.ts";
import { earlyRetries, neverRetried, spendWindows, withSecondWindows } from "./rate-limit-check.ts";

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
  /** The clock windows are clamped against: a provider that serves only recent history (Polar: 30 days) is read as of its fixtures. @default Date.now */
  now?: () => number;
  /** Wraps the transport provider requests go through: answers another origin the spec allows (Wahoo's file CDN). */
  transport?: TransportWrapper;
}

/**
 * The conformance every connector passes, as one describe block of the calling test file: the spec is
 * valid and compiles; every example maps to a valid record with a natural key, or is the action it
 * declares — and an example push that names data without carrying it (ids, a day, a URL) leads, through
 * the mock, to the pull it triggers and to valid records; a read over the window ends with valid
 * records (through the mock's paging for HTTP streams), every answer one the connector takes; a poll
 * through its transaction streams, if any, reads their items and commits each transaction, and the next
 * poll finds nothing new; a 401
 * leads to exactly one refresh (or, with nothing to refresh, ends as access revoked); a 429 answered the
 * provider's way is waited out as the provider says before the request is made again; the webhook
 * accepts a right signature and refuses a wrong, stale or replayed one; an accepted push is answered the
 * status the spec declares (`webhook.acknowledge`), the one the mock, as the provider, counts delivered;
 * handshakes answer. The reads of the 401 and 429 checks are everything the connector reads for the
 * user: its streams over the window, a poll of its transaction streams and the pulls its example pushes trigger. A check that cannot apply to the connector is still a test,
 * named "not applicable: <why>", which asserts the why — never a silent pass.
 */
export function testConnector(load: ConnectorDefinition | (() => ConnectorDefinition), options: TestConnectorOptions): void {
  const definition = typeof load === "function" ? load() : load;
  const { spec } = definition;
  const auth = spec.auth;
  const oauth = auth.type === "oauth2" || auth.type === "oauth2_password";
  const refreshes = oauth && auth.refresh !== "none";
  // A password grant's public client (Xert's) is the one the mock knows; else the kit's confidential one.
  const client = auth.type === "oauth2_password" && auth.publicClient ? { id: auth.publicClient.id, secret: auth.publicClient.secret ?? "" } : MOCK_CLIENT;
  const declaresExamples =
    Object.values(spec.mappings ?? {}).some((mapping) => (mapping.examples?.length ?? 0) > 0) ||
    Object.values(spec.streams ?? {}).some((streams) => (streams ?? []).some((stream) => stream.example !== undefined)) ||
    (spec.webhook?.examples?.length ?? 0) > 0;
  const hasStreams = Object.values(spec.streams ?? {}).some((streams) => (streams ?? []).length > 0);
  const pushPulls = examplePushPulls(definition);
  // What a poll (and a push provider's reconciliation) reads in place of their data types' windows.
  const transactional = transactionStreams(definition);
  const now = options.now ? { now: options.now } : {};
  const fixtures = async () => {
    if (!options.fixtures) throw new Error(`testConnector(${spec.name}) needs fixtures: its streams make provider requests`);
    return options.fixtures();
  };
  const userOf = (found: SpecFixtures, id: string | number | undefined = options.user) => {
    const user = id === undefined ? found.users[0] : found.users.find((u) => String(u.id) === String(id));
    if (!user) throw new Error(`no fixture user ${String(id ?? "(first)")} for ${spec.name}`);
    return user;
  };

  /** A poll of the transaction streams alone (what a poll reads in place of their data types' windows), each transaction committed once mapped. */
  const pollTransactions = (subject: ConnectorDefinition, provider: ProviderClient, connection: MockConnection) =>
    pullAndMap(subject, provider, {
      window: options.window,
      providerUserId: connection.providerUserId,
      credentials: connection.credentials,
      streams: transactional,
      transactions: true,
      ...now,
    });

  /** Everything the connector reads for a connected user: its streams over the window, and the pulls its example pushes about the user trigger. */
  const readAll = async (subject: ConnectorDefinition, mock: MockProvider, connection: MockConnection, maxInProcessWaitMs?: number) => {
    const { provider, exchanges } = mockClient(subject, mock, {
      client,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(maxInProcessWaitMs !== undefined ? { maxInProcessWaitMs } : {}),
    });
    const pulls: PullResult[] = [];
    if (hasStreams)
      pulls.push(
        await pullAndMap(subject, provider, { window: options.window, providerUserId: connection.providerUserId, credentials: connection.credentials, ...now }),
      );
    if (transactional.length > 0) {
      await sendConnectRequests(subject, provider, connection);
      pulls.push(await pollTransactions(subject, provider, connection));
    }
    const pushed = pushPulls.filter((pull) => pull.providerUserId === connection.providerUserId);
    for (const pull of pushed) pulls.push(await runPushPull(subject, provider, pull, { credentials: connection.credentials, ...now }));
    if (pulls.length === 0)
      throw new Error(
        `${spec.name} has no streams and no example push names data of user ${connection.providerUserId}: give testConnector a \`user\` the examples name`,
      );
    return { pull: mergePulls(pulls), exchanges };
  };

  describe(`${spec.name} testConnector()`, () => {
    it("the spec is valid and compiles (mappings, webhook data types)", async () => {
      const validation = await validateConnector(definition);
      expect(validation.problems).toEqual([]);
      expect(() => compileConnector(definition)).not.toThrow();
    });

    it(
      declaresExamples
        ? "every example maps to a valid record with a natural key, or is the action it declares (a push that names data is checked by the pull it triggers)"
        : "examples: the spec declares none to map (add mappings.<name>.examples or a stream example); the fixture records are mapped by the pull below",
      async () => {
        const report = await checkConnectorExamples(definition);
        const failures = report.checks.filter((check) => check.outcome === "failed" || check.outcome === "mismatch");
        expect(failures).toEqual([]);
        for (const check of report.checks.filter((c) => c.outcome === "record")) expect(check.key?.key, check.source).toBeTruthy();
        if (declaresExamples)
          expect(
            report.checks.some((check) => check.outcome === "record") || pushPulls.length > 0,
            "an example that maps to a record, or a push whose pull brings some",
          ).toBe(true);
        else expect(report.checks).toEqual([]);
      },
    );

    if (spec.webhook) {
      if (pushPulls.length === 0) {
        it("pushes that name data: not applicable (no webhook example names data to pull — they carry records, or act without data)", () => {
          expect(examplePushPulls(definition)).toEqual([]);
        });
      } else {
        it(`every example push that names data leads, through the mock, to the pull it triggers and to valid records (${pushPulls.map((p) => p.action.action).join(", ")})`, async () => {
          const found = await fixtures();
          const mock = await startMockProvider(spec, found, { ...options.mockOptions, rateLimits: false });
          const connections = new Map<string, MockConnection>();
          for (const pull of pushPulls) {
            const where = `${pull.source}${pull.description ? ` (${pull.description})` : ""}`;
            let connection = connections.get(pull.providerUserId);
            if (!connection) connections.set(pull.providerUserId, (connection = await connectToMock(mock, userOf(found, pull.providerUserId), client)));
            const { provider, exchanges } = mockClient(definition, mock, { client, ...(options.transport ? { transport: options.transport } : {}) });
            const result = await runPushPull(definition, provider, pull, { credentials: connection.credentials, ...now });
            expect(result.failures(), where).toEqual([]);
            expect(result.delivered().length, `${where}: the ${pull.action.action} brings records`).toBeGreaterThan(0);
            expect(unanswered(exchanges), where).toEqual([]);
          }
        });
      }
    }

    if (!spec.http) {
      it("reading the window ends with valid records (read hooks: no provider requests, so no paging)", async () => {
        const connector = compileConnector(definition);
        expect(connector.pullTypes.length).toBeGreaterThan(0);
        for (const dataType of connector.pullTypes) {
          let valid = 0;
          const connection = { userId: "test-user", provider: spec.name, referenceId: null, providerUserId: null };
          for await (const slice of connector.read(dataType as DataType, {
            connection,
            withSamples: true,
            log: silentLogger(),
            range: options.window,
            signal: AbortSignal.timeout(60_000),
          })) {
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
      if (hasStreams) {
        it("a pull through the mock's paging ends, every record valid, every answer one the connector takes", async () => {
          const found = await fixtures();
          const pull = await pullFromMock(definition, {
            fixtures: found,
            user: userOf(found),
            window: options.window,
            client,
            mockOptions: { ...options.mockOptions, rateLimits: false },
            ...now,
            ...(options.transport ? { transport: options.transport } : {}),
          });
          expect(pull.failures()).toEqual([]);
          expect(pull.delivered().length).toBeGreaterThan(0);
          for (const stats of Object.values(pull.stats)) expect(stats.pages).toBeGreaterThanOrEqual(1);
          // A 4xx the response table takes as "nothing here" (WHOOP's 404 for a cycle without recovery) is an answer.
          expect(unanswered(pull.exchanges)).toEqual([]);
        });
        if (transactional.length === 0) {
          it("a poll through transactions: not applicable (no transaction stream: polls read the streams' windows)", () => {
            expect(transactionStreams(definition)).toEqual([]);
          });
        } else {
          it(`a poll through the transaction streams (${transactional.join(", ")}) reads each transaction's items with their parts, commits each, every record valid; the next poll finds nothing new`, async () => {
            const found = await fixtures();
            const mock = await startMockProvider(spec, found, { ...options.mockOptions, rateLimits: false });
            const connection = await connectToMock(mock, userOf(found), client);
            const { provider, exchanges } = mockClient(definition, mock, { client, ...(options.transport ? { transport: options.transport } : {}) });
            // Registered with the client as the runtime does after consent: only then are transactions served.
            await sendConnectRequests(definition, provider, connection);
            const poll = () => pollTransactions(definition, provider, connection);
            const first = await poll();
            expect(first.failures()).toEqual([]);
            expect(first.delivered().length, "the fixture user's transaction items").toBeGreaterThan(0);
            expect(mock.transactions.length).toBeGreaterThan(0);
            expect(mock.transactions.map((transaction) => transaction.state)).toEqual(mock.transactions.map(() => "committed"));
            const opened = mock.transactions.length;
            const second = await poll();
            expect(second.records).toEqual([]);
            expect(mock.transactions).toHaveLength(opened);
            expect(unanswered(exchanges)).toEqual([]);
          });
        }
      } else {
        it("pull streams: not applicable (none declared: its data arrives by push — the pulls its pushes trigger are read instead)", () => {
          expect(compileConnector(definition).pullTypes).toEqual([]);
        });
      }

      if (!hasStreams && pushPulls.length === 0) {
        it("401 and 429: not applicable (no streams and no push that names data: the connector reads nothing from the provider)", () => {
          expect([hasStreams, pushPulls]).toEqual([false, []]);
        });
      } else {
        if (refreshes) {
          it("a 401 on an expired access token leads to exactly one refresh, and the reads complete", async () => {
            const found = await fixtures();
            const mock = await startMockProvider(spec, found, { ...options.mockOptions, rateLimits: false });
            const connection = await connectToMock(mock, userOf(found), client);
            mock.oauth!.tokens.expireAccessTokens();
            const { pull, exchanges } = await readAll(definition, mock, connection);
            expect(connection.credentials.refreshes).toBe(1);
            expect(exchanges.filter((exchange) => exchange.status === 401).length).toBeGreaterThanOrEqual(1);
            expect(pull.failures()).toEqual([]);
            expect(pull.delivered().length).toBeGreaterThan(0);
          });
        } else if (oauth) {
          it("a 401 with nothing to refresh (auth.refresh: none) ends the read as access revoked, without a refresh", async () => {
            const found = await fixtures();
            const mock = await startMockProvider(spec, found, { ...options.mockOptions, rateLimits: false });
            const connection = await connectToMock(mock, userOf(found), client);
            mock.oauth!.tokens.expireAccessTokens();
            await expect(readAll(definition, mock, connection)).rejects.toMatchObject({ code: ErrorCodes.AUTH_REVOKED });
            expect(connection.credentials.refreshes).toBe(0);
            expect(mock.requests.some((request) => request.status === 401)).toBe(true);
          });
        } else {
          it(`401 → one refresh: not applicable (auth ${auth.type} has nothing to refresh)`, async () => {
            const found = await fixtures();
            const mock = await startMockProvider(spec, found, { ...options.mockOptions, rateLimits: false });
            const connection = await connectToMock(mock, userOf(found), client);
            expect(await connection.credentials.refresh()).toBe(false);
          });
        }

        it("a 429 answered the provider's way is waited out as the provider says, then the request is made again and the reads complete", async () => {
          const found = await fixtures();
          const user = userOf(found);
          const unlimited = await startMockProvider(spec, found, { ...options.mockOptions, rateLimits: false });
          const first = await readAll(definition, unlimited, await connectToMock(unlimited, user, client));
          const origin = new URL(unlimited.urls().baseUrl).origin;
          const requests = first.exchanges.filter((exchange) => new URL(exchange.url).origin === origin).length;
          // The provider's own windows, a second long, holding half the requests the reads need; spent before they start.
          const limited = withSecondWindows(definition, Math.max(1, Math.ceil(requests / 2)));
          const mock = await startMockProvider(limited.spec, found, options.mockOptions);
          const connection = await connectToMock(mock, user, client);
          // The mock counts a pasted token's or API key's requests under no OAuth client.
          await spendWindows(mock, { clientId: oauth ? client.id : "", userId: String(user.id) });
          const again = await readAll(limited, mock, connection, 5000);
          expect(mock.rateLimited.length, "the mock refused a request").toBeGreaterThan(0);
          expect(earlyRetries(mock), "made again before the window let it in").toEqual([]);
          expect(neverRetried(mock), "never made again once the window let it in").toEqual([]);
          // The same provider records, details and all — but for when the provider answered ({answered_at}, which
          // dates a snapshot: WHOOP's body), later after the wait.
          expect(again.pull.failures()).toEqual([]);
          const answered = answeredAtFields(spec);
          const sameRecords = (pull: typeof first.pull) =>
            pull.records.map((record) => Object.fromEntries(Object.entries(record.provider).filter(([name]) => !answered.has(name))));
          expect(sameRecords(again.pull)).toEqual(sameRecords(first.pull));
          expect(again.pull.delivered()).toHaveLength(first.pull.delivered().length);
        });
      }
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
      const ack = acknowledgement(webhook);
      it(`an accepted push is answered ${ack.status}${ack.withBody ? "" : " with no body"} (webhook.acknowledge), which the provider counts as delivered; any other answer is a failed delivery`, async () => {
        // The push as the provider sends it; the callback answers as the webhook route answers an accepted one.
        const push = signPush({ verify: webhook.verify, encoding: webhook.body ?? "json", payload: webhook.examples?.[0]?.body ?? {}, secret: "test-secret" });
        const answeredWith = async (status: number) => {
          const server = createServer((request, response) => {
            request.resume().on("end", () => response.writeHead(status).end());
          });
          await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
          onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
          const { port } = server.address() as AddressInfo;
          return sendPush(`http://127.0.0.1:${port}/hooks/${spec.name}`, push, { acknowledgeStatus: ack.status });
        };
        expect(ack.status, "a 2xx status").toBeGreaterThanOrEqual(200);
        expect(ack.status, "a 2xx status").toBeLessThan(300);
        expect(await answeredWith(ack.status)).toMatchObject({ status: ack.status, delivered: true });
        // The other answer a receiver would most likely give: 200 where the provider wants another status, else 204.
        const other = ack.status === 200 ? 204 : 200;
        expect(await answeredWith(other)).toMatchObject({ status: other, delivered: false });
      });
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

/** The record fields a stream sets from `{answered_at}`: when the provider answered, which differs between two reads. */
function answeredAtFields(spec: ConnectorDefinition["spec"]): Set<string> {
  const streams = Object.values(spec.streams ?? {}).flat();
  return new Set(
    streams.flatMap((stream) => Object.entries(stream?.recordFields ?? {}).flatMap(([name, text]) => (text.includes("{answered_at}") ? [name] : []))),
  );
}
