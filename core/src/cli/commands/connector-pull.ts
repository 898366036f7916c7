import { randomUUID } from "node:crypto";
import { PAYLOAD_VERSION, validatePayload, type DataType } from "@tributary/schemas";
import type { Credentials } from "../../auth/credentials.ts";
import type { ConnectorReadContext, RuntimeConnector } from "../../connectors/runtime-connector.ts";
import { silentLogger } from "../../log/logger.ts";
import { createProviderClient } from "../../provider-http/provider-client.ts";
import type { ProviderTransport } from "../../provider-http/transport.ts";
import type { TerraUserObject } from "../../runtime/envelope.ts";
import type { Normalized } from "../../runtime/normalize.ts";
import { memoryRecordParts, wholeRecords } from "../../runtime/record-parts.ts";
import { createMemoryCursorRepository, type CursorRepository } from "../../state/cursors.ts";
import { progressBar } from "../progress.ts";

export interface ConnectorPullOptions {
  connector: RuntimeConnector;
  transport: ProviderTransport;
  range: { start: Date; end: Date };
  /** What `{provider_user_id}` renders. */
  providerUserId?: string | undefined;
  /** The Terra user id the payloads name. @default a new UUID */
  userId?: string | undefined;
  credentials?: Credentials | undefined;
  /** The payloads' `user.scopes` (dryrun: what auth.grantedScopes read). @default none */
  scopes?: readonly string[] | undefined;
  /** When the pull is made: windows are clamped to the provider's history as of then. @default now */
  now?: Date | undefined;
  /** Read as a scheduled poll: data types with transaction streams through them (create, list, items, commit), not their windows. */
  transactions?: boolean | undefined;
  /** Where the provider is (a mock, a proxy): the spec's http.baseUrl otherwise. */
  baseUrl?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** One JSON line per payload. */
  write(line: string): void;
  /** One line per record that would be quarantined. */
  problem(line: string): void;
}

export interface ConnectorPullSummary {
  delivered: number;
  invalid: number;
  payloads: number;
}

const DAY_MS = 86_400_000;

/**
 * Every data type the connector can pull, read over the window through the runtime's own code (the
 * RuntimeConnector's read: streams, paging, details, mapping, validation) with a provider client over the
 * given transport and no rate budget (one user, one process: nothing to share). Each slice of valid
 * records is written as Terra data payloads (`{type, user, data, version}`; one `athlete` each), checked against the
 * webhook schema; each rejected record is reported with its reasons.
 */
export async function pullConnector(options: ConnectorPullOptions): Promise<ConnectorPullSummary> {
  const { connector, range } = options;
  const client = createProviderClient({
    spec: connector.definition.spec,
    transport: options.transport,
    settings: { baseUrl: options.baseUrl, clientId: options.clientId, clientSecret: options.clientSecret },
    log: silentLogger(),
    // No job to hand a long wait to: sleep through Retry-After here.
    maxInProcessWaitMs: 60_000,
  });
  const userId = options.userId ?? randomUUID();
  const variables = { user_id: userId, ...(options.providerUserId !== undefined ? { provider_user_id: options.providerUserId } : {}) };
  const session = client.session({ userId, credentials: options.credentials, variables });
  const connection = { userId, provider: connector.name, referenceId: null, providerUserId: options.providerUserId ?? null };
  const summary: ConnectorPullSummary = { delivered: 0, invalid: 0, payloads: 0 };
  const emit = payloadWriter(connector, userId, summary, options);
  const parts = memoryRecordParts();
  const span = Math.max(1, Math.ceil((range.end.getTime() - range.start.getTime()) / DAY_MS));
  const bar = progressBar(`${connector.name} days`);
  const types = connector.pullTypes;
  try {
    // One run's cursors: what a stream learned (the member's time zone) reaches the streams after it.
    const cursors = createMemoryCursorRepository();
    for (const [i, dataType] of types.entries()) {
      const reading = connector.read(dataType, {
        ...cliReadContext(connection, session, range, options.now, cursors),
        transactions: options.transactions === true,
      });
      for await (const slice of reading) {
        const reached = slice.position?.step?.end ?? slice.position?.window?.end;
        if (reached !== undefined)
          bar.update(i * span + Math.min(span, Math.ceil((Date.parse(reached) - range.start.getTime()) / DAY_MS)), span * types.length);
        // Parts of one record (mappings with merge) are merged as the runtime merges them, over the whole pull.
        emit(dataType, `stream ${slice.stream}`, { ...slice, valid: await wholeRecords(parts, userId, dataType, slice) });
      }
      bar.update((i + 1) * span, span * types.length);
    }
  } finally {
    bar.stop();
  }
  return summary;
}

/** How the CLI reads a connector: with samples, quietly, for at most an hour, as of `now` when given. */
export function cliReadContext(
  connection: ConnectorReadContext["connection"],
  session: ConnectorReadContext["session"],
  range: ConnectorReadContext["range"],
  now: Date | undefined,
  cursors?: CursorRepository,
): ConnectorReadContext {
  return {
    connection,
    ...(cursors ? { cursors } : {}),
    withSamples: true,
    log: silentLogger(),
    range,
    signal: AbortSignal.timeout(3_600_000),
    session,
    ...(now ? { now: () => now.getTime() } : {}),
  };
}

/**
 * Writes a data type's mapped records as Terra data payloads (`{type, user, data, version}`; one
 * `athlete` each), checked against the webhook schema, and reports each rejected record with its
 * reasons; counts both into the summary.
 */
export function payloadWriter(
  connector: RuntimeConnector,
  userId: string,
  summary: ConnectorPullSummary,
  options: Pick<ConnectorPullOptions, "write" | "problem" | "scopes">,
): (dataType: DataType, source: string, normalized: Normalized) => void {
  const user: TerraUserObject = {
    user_id: userId,
    provider: connector.name,
    reference_id: null,
    scopes: options.scopes?.join(",") ?? null,
    active: true,
    created_at: null,
    last_webhook_update: null,
  };
  return (dataType, source, normalized) => {
    for (const rejected of normalized.rejected) {
      summary.invalid += 1;
      const id = providerId(rejected.raw);
      const reasons = rejected.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
      options.problem(`✗ ${dataType} record${id ? ` ${id}` : ""} (${source}) is invalid: ${reasons}`);
    }
    if (normalized.valid.length === 0) return;
    // As Terra sends them: an athlete payload carries one `athlete`, the others a `data` array.
    const payloads =
      dataType === "athlete"
        ? normalized.valid.map((record) => ({ records: 1, payload: { type: dataType, user, athlete: record, version: PAYLOAD_VERSION } }))
        : [{ records: normalized.valid.length, payload: { type: dataType, user, data: normalized.valid, version: PAYLOAD_VERSION } }];
    for (const { records, payload } of payloads) {
      const checked = validatePayload(payload);
      if (!checked.ok) {
        summary.invalid += records;
        options.problem(`✗ a ${dataType} payload of ${source} is invalid: ${checked.issues.map((issue) => issue.message).join("; ")}`);
        continue;
      }
      options.write(JSON.stringify(payload));
      summary.payloads += 1;
      summary.delivered += records;
    }
  };
}

function providerId(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const id = (raw as Record<string, unknown>).id ?? (raw as Record<string, unknown>).summary_id;
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}
