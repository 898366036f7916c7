import { createRecordMapper, type MappedRecord } from "@tributary/core/authoring";
import { silentLogger } from "@tributary/core/log";
import { compileStreamCondition, connectionBinding } from "@tributary/core/mapping";
import type { MockFromSpecOptions, MockProvider, MockUser, SpecFixtures } from "@tributary/core/mock-provider";
import {
  createProviderClient,
  createUndiciTransport,
  type Credentials,
  type ProviderBudget,
  type ProviderClient,
  type ProviderTransport,
} from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { createMemoryCursorRepository, type CursorRepository } from "@tributary/core/state";
import { createStreamExecutor, type StreamExecutor, type StreamStats } from "@tributary/core/streams";
import { onTestFinished } from "vitest";
import { startMockProvider } from "../mock-provider/start-mock.ts";
import { recordExchanges, type Exchange } from "./exchanges.ts";
import { connectToMock, MOCK_CLIENT, type MockConnection } from "./mock-connection.ts";

/** One provider record a pull produced, with what the connector's mapping made of it. */
export interface PulledRecord {
  stream: string;
  dataType: string;
  provider: Record<string, unknown>;
  mapped: MappedRecord[];
}

export interface PullResult {
  records: PulledRecord[];
  /** Per stream name. */
  stats: Record<string, StreamStats>;
  /** The Terra records that would be delivered (mapped, valid, with a natural key), in order. */
  delivered(): Record<string, unknown>[];
  /** Every mapping outcome that would be quarantined, with its provider record. */
  failures(): { record: PulledRecord; problems: string[] }[];
}

export interface PullOptions {
  window: { start: Date; end: Date };
  /** What `{provider_user_id}` renders; none for a connection whose provider names no user (Xert's consent page). */
  providerUserId?: string;
  /** The Terra user id. @default "test-user" */
  userId?: string;
  credentials?: Credentials;
  /** Only the streams of these names. @default every stream of the spec */
  streams?: string[];
  /** The clock windows are clamped against. @default Date.now */
  now?: () => number;
  /** Where the streams keep checkpoints and what they learn (a time zone), to share with a later pull. @default a fresh one in memory, this pull's */
  cursors?: CursorRepository;
  /**
   * A poll: a data type with transaction streams is read through them (each transaction committed once its
   * items are mapped) instead of its other streams, as a poll job does. @default false — a window's read,
   * which leaves transaction streams alone
   */
  transactions?: boolean;
}

/** A provider client for a connector over a transport (the live one, a recordings folder's, …), its base URL pointed where a test says. */
export function connectorClient(
  definition: ConnectorDefinition,
  options: { transport: ProviderTransport; baseUrl?: string; clientId?: string; clientSecret?: string; budget?: ProviderBudget; maxInProcessWaitMs?: number },
): ProviderClient {
  return createProviderClient({
    spec: definition.spec,
    transport: options.transport,
    budget: options.budget,
    settings: { baseUrl: options.baseUrl, clientId: options.clientId, clientSecret: options.clientSecret },
    retryBackoffMs: 10,
    ...(options.maxInProcessWaitMs !== undefined ? { maxInProcessWaitMs: options.maxInProcessWaitMs } : {}),
    log: silentLogger(),
  });
}

/** The stream executor a pull job runs, with the mapping engine's expressions. */
export function streamExecutor(definition: ConnectorDefinition, now?: () => number, cursors?: CursorRepository): StreamExecutor {
  return createStreamExecutor({
    spec: definition.spec,
    ...(cursors ? { cursors } : {}),
    compileExpression: compileStreamCondition,
    log: silentLogger(),
    ...(now ? { now } : {}),
  });
}

/** A pull's records with the views tests ask for. */
export function pullResult(records: PulledRecord[], stats: Record<string, StreamStats> = {}): PullResult {
  return {
    records,
    stats,
    delivered: () => records.flatMap((r) => r.mapped.flatMap((m) => (m.kind === "record" ? [m.record] : []))),
    failures: () => records.flatMap((record) => record.mapped.flatMap((m) => (m.kind === "failed" ? [{ record, problems: m.problems }] : []))),
  };
}

/** Several pulls as one. */
export function mergePulls(pulls: readonly PullResult[]): PullResult {
  return pullResult(
    pulls.flatMap((pull) => pull.records),
    Object.assign({}, ...pulls.map((pull) => pull.stats)),
  );
}

/**
 * Reads a connector's pull streams over a window through the stream executor, as a pull job does (a
 * RuntimeConnector's read), and maps every record with the connector's mapping: what the provider sent,
 * and what would be delivered or quarantined.
 */
export async function pullAndMap(definition: ConnectorDefinition, client: ProviderClient, options: PullOptions): Promise<PullResult> {
  const { spec } = definition;
  const userId = options.userId ?? "test-user";
  // As a pull job's streams share the state store: what one learns (a time zone) the next reads.
  const executor = streamExecutor(definition, options.now, options.cursors ?? createMemoryCursorRepository());
  const mapper = createRecordMapper(definition, { userId, providerUserId: options.providerUserId });
  const session = client.session({
    userId,
    credentials: options.credentials,
    variables: { user_id: userId, provider_user_id: options.providerUserId },
  });
  const connection = connectionBinding({ userId, provider: spec.name, providerUserId: options.providerUserId });
  const records: PulledRecord[] = [];
  const stats: Record<string, StreamStats> = {};
  for (const [dataType, declared] of Object.entries(spec.streams ?? {})) {
    const transactional = (declared ?? []).some((stream) => stream.transaction);
    const streams = (declared ?? []).filter((stream) => !transactional || (stream.transaction !== undefined) === (options.transactions === true));
    for (const stream of streams) {
      if (options.streams && !options.streams.includes(stream.name)) continue;
      if (stream.transaction) {
        for await (const round of executor.readTransactions(stream, { session, userId, connection })) {
          for await (const provider of round.records())
            records.push({ stream: stream.name, dataType, provider, mapped: await mapper.map(stream.mapping ?? dataType, dataType, provider) });
          await round.commit();
        }
        continue;
      }
      const reading = executor.readStream(stream, options.window, { session, userId, connection });
      for await (const provider of reading) {
        records.push({ stream: stream.name, dataType, provider, mapped: await mapper.map(stream.mapping ?? dataType, dataType, provider) });
      }
      stats[stream.name] = reading.stats;
    }
  }
  return pullResult(records, stats);
}

/** The names of the spec's transaction streams (`streams.*[].transaction`): what a poll reads in place of their data types' windows. */
export function transactionStreams(definition: ConnectorDefinition): string[] {
  return Object.values(definition.spec.streams ?? {}).flatMap((streams) => (streams ?? []).filter((stream) => stream.transaction).map((stream) => stream.name));
}

/**
 * The spec's connect requests for a connected user (`auth.lifecycle.connect`: Polar registers the user with
 * the client, without which it serves no transactions), as the runtime sends them after consent; a 409
 * (registered already) counts as done.
 */
export async function sendConnectRequests(
  definition: ConnectorDefinition,
  client: ProviderClient,
  connection: { providerUserId?: string; credentials?: Credentials; userId?: string },
): Promise<void> {
  const auth = definition.spec.auth;
  const requests = "lifecycle" in auth ? (auth.lifecycle?.connect ?? []) : [];
  const userId = connection.userId ?? "test-user";
  const session = client.session({ userId, credentials: connection.credentials, variables: { user_id: userId, provider_user_id: connection.providerUserId } });
  for (const request of requests) {
    try {
      await session.send(request);
    } catch (error) {
      if ((error as { details?: { status?: unknown } }).details?.status !== 409) throw error;
    }
  }
}

export interface MockPull extends PullResult {
  mock: MockProvider;
  connection: MockConnection;
  /** Every request the provider client sent, with the action its answer got. */
  exchanges: Exchange[];
}

/** Wraps the transport the provider client sends through (a second origin to answer: Wahoo's file CDN). */
export type TransportWrapper = (toMock: ProviderTransport) => ProviderTransport;

/** A provider client for the mock, its exchanges kept, closed when the test ends. */
export function mockClient(
  definition: ConnectorDefinition,
  mock: MockProvider,
  options: { client?: { id: string; secret: string }; transport?: TransportWrapper; maxInProcessWaitMs?: number } = {},
): { provider: ProviderClient; exchanges: Exchange[] } {
  const client = options.client ?? MOCK_CLIENT;
  const undici = createUndiciTransport();
  onTestFinished(() => undici.close());
  const { transport, exchanges } = recordExchanges(definition.spec, options.transport ? options.transport(undici) : undici);
  const provider = connectorClient(definition, {
    transport,
    baseUrl: mock.urls().baseUrl,
    clientId: client.id,
    clientSecret: client.secret,
    ...(options.maxInProcessWaitMs !== undefined ? { maxInProcessWaitMs: options.maxInProcessWaitMs } : {}),
  });
  return { provider, exchanges };
}

/**
 * The whole path against a spec-built mock, for the current test: serve the fixtures, connect the user
 * as the spec's auth says, read every stream over the window through the provider client and the
 * stream executor, and map the records.
 */
export async function pullFromMock(
  definition: ConnectorDefinition,
  options: {
    fixtures: SpecFixtures;
    user: MockUser;
    window: { start: Date; end: Date };
    streams?: string[];
    mockOptions?: MockFromSpecOptions;
    now?: () => number;
    /** The OAuth client the user connects with (a provider's public client). @default MOCK_CLIENT */
    client?: { id: string; secret: string };
    transport?: TransportWrapper;
  },
): Promise<MockPull> {
  const mock = await startMockProvider(definition.spec, options.fixtures, options.mockOptions);
  const connection = await connectToMock(mock, options.user, options.client ?? MOCK_CLIENT);
  const { provider, exchanges } = mockClient(definition, mock, {
    ...(options.client ? { client: options.client } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  });
  const result = await pullAndMap(definition, provider, {
    window: options.window,
    providerUserId: connection.providerUserId,
    credentials: connection.credentials,
    ...(options.streams ? { streams: options.streams } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { ...result, mock, connection, exchanges };
}
