import type { DataType } from "@tributary/schemas";
import type { StandardRecord } from "../contracts/data-types.ts";
import type { Logger } from "../log/logger.ts";
import type { Connection } from "../state/index.ts";
import { dropStoredPayloads, oweCountedPayloads } from "./counted-payloads.ts";
import { enqueueDeliveries, storePayload, type StoredPayload } from "./emit-payload.ts";
import { largeRequestSendingTraceId } from "./large-request-end.ts";
import { createPayloadPacker, serializedDataPayload } from "./envelope.ts";
import { storeLargeRequestAnnouncements } from "./large-request-announcement.ts";
import type { Normalized } from "./normalize.ts";
import { quarantineRejected } from "./quarantine-rejected.ts";
import { createMergedRecordBatch, type MergedPublishOptions, type MergedRecordBatch } from "./merged-records.ts";
import { partsByKey } from "./record-parts.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

export interface PublishOptions {
  user: Connection;
  dataType: DataType;
  /** Trace id of the work that produced the records; quarantine rows carry it. */
  traceId: string;
  /**
   * What payload trace ids derive from — the id of the job that produced them — so a retried job
   * re-emits the same ids and the deliver queue (and receivers) drop the repeats.
   */
  traceSeed: string;
  priority: number;
  /** On-demand requests: sent as `terra-reference` with every payload. */
  reference?: string;
  /** Chunk into payloads of ≤ `policy.chunkSize` objects, announced by `large_request_sending`. */
  large?: boolean;
  /** Emit a payload even with no valid record: an on-demand request always gets an answer. */
  emitEmpty?: boolean;
  /**
   * Where merged records (days in parts) whose parts this publish stored are noted, for the caller to
   * publish once its other work stored theirs too (an ingest job's notifications). Without it they are
   * published when the stream finishes.
   */
  merged?: MergedRecordBatch;
  log: Logger;
}

export interface PublishInput extends PublishOptions {
  normalized: Normalized;
}

export interface PublishResult {
  records: number;
  quarantined: number;
  payloads: number;
}

/**
 * Records of one pull or push, published as they come: each `add` quarantines what failed validation and
 * sends the valid records on in payloads as soon as one is full (`delivery.maxPayloadRecords` /
 * `maxPayloadBytes`), so a pull over years holds one payload's worth of records at a time, not years of them.
 */
export interface PublishStream {
  add(normalized: Normalized): Promise<void>;
  /**
   * Send every record added so far now (a payload of what the packer holds, the merged records noted)
   * instead of waiting for a full payload: what was added is then stored and its deliveries enqueued —
   * what a reader waits for before it tells the provider it has the records (a committed transaction).
   */
  flush(): Promise<void>;
  /**
   * Send what is left (and, for a large request, the announcement, then its chunks). `continues`: the
   * pull stops here to wait and goes on later, so an empty read so far is no answer yet (`emitEmpty`).
   */
  finish(options?: { continues?: boolean }): Promise<PublishResult>;
}

/**
 * The tail every path that produced records shares (pulls and provider pushes): quarantine what failed
 * validation, with its raw provider payload and the issues (never dropped, never delivered), update the
 * metrics, then wrap the valid records in Terra envelopes and fan them out to the destinations.
 *
 * A large request's chunks are stored as they are made and their deliveries enqueued only after the
 * `large_request_sending` announcement, which must state how many there are: Terra's order
 * (`large_request_processing`, `large_request_sending`, the chunks) without holding the chunks in memory.
 * Ordering timestamps follow emission order, one millisecond apart at least (the announcement before its
 * chunks), so receivers that order by X-Terra-Ordering-Timestamp see payloads as they were emitted even
 * when deliveries overtake each other.
 */
export function openPublishStream(ctx: RuntimeContext, options: PublishOptions): PublishStream {
  const { user, dataType, log } = options;
  const terraUser = toTerraUser(user);
  const common = {
    priority: options.priority,
    developer: user.developer_id,
    ...(options.reference !== undefined ? { reference: options.reference } : {}),
  };
  const maxRecords = options.large ? Math.min(ctx.policy.chunkSize, ctx.policy.maxPayloadRecords) : ctx.policy.maxPayloadRecords;
  const packer = createPayloadPacker(dataType, terraUser, { maxRecords, maxBytes: ctx.policy.maxPayloadBytes });
  let payloads = 0;
  let records = 0;
  let quarantined = 0;
  let newest = Number.NEGATIVE_INFINITY;
  let lastOrdering = 0;
  const nextOrdering = () => (lastOrdering = Math.max(Date.now(), lastOrdering + 1));
  const chunks: StoredPayload[] = [];
  const merged = options.merged ?? createMergedRecordBatch();
  const counted = (record: StandardRecord) => {
    records++;
    newest = Math.max(newest, dataTime(record));
  };
  /** The merged records noted so far, unless a caller's batch (an ingest job's) is its to publish; what was held back. */
  const publishMerged = async (publishOptions: MergedPublishOptions = {}): Promise<StoredPayload[]> => {
    if (options.merged) return [];
    const published = await merged.publish(ctx, publishOptions);
    published.records.forEach(counted);
    payloads += published.records.length;
    return published.held;
  };

  const traceIdOf = (index: number) =>
    // Chunks of a large request are named after its reference, so a re-run of the request's pull (new job
    // id, same reference) re-emits the same ids.
    options.large && options.reference ? `${options.reference}:chunk:${index}` : deterministicTraceId(options.traceSeed, dataType, index);

  const send = async (texts: string[]) => {
    const body = serializedDataPayload(dataType, terraUser, texts);
    const index = payloads++;
    const stored = await storePayload(
      ctx,
      { type: dataType, userId: user.user_id, body, records: texts.length },
      { traceId: traceIdOf(index), ...common, ...(options.large ? { counted: true } : {}) },
    );
    if (options.large) chunks.push(stored);
    else await enqueueDeliveries(ctx, { ...stored, orderingTimestamp: nextOrdering() });
  };

  /** Stores the parts among the records and notes their records in `merged`; resolves with the other records. */
  const storeParts = async (normalized: Normalized): Promise<StandardRecord[]> => {
    const { out, byKey } = partsByKey(user.user_id, dataType, normalized, Date.now());
    if (byKey.size === 0) return normalized.valid;
    for (const [key, parts] of byKey) {
      await ctx.store.addRecordParts(user.user_id, dataType, key, parts);
      // The parts are the data seen, whoever publishes their record (what a stale report measures).
      for (const part of Object.values(parts)) newest = Math.max(newest, dataTime(part.record));
    }
    merged.note(user, dataType, byKey.keys(), { priority: options.priority, ...(options.reference !== undefined ? { reference: options.reference } : {}) });
    return out.filter((entry): entry is StandardRecord => typeof entry !== "string");
  };

  /**
   * The announcement, then what it counts. A user disconnected while the request read gets neither: its
   * deauth ends the request (and is the last payload about it). What it counts is noted as owed first, so
   * the app gets every one of them, whatever happens to the user or the records meanwhile.
   */
  const announce = async (held: StoredPayload[], announcedAt: number) => {
    // At the ordering timestamps their claims gave (held merged records): after every earlier version's, and the announcement's.
    const counted = [...chunks.map((chunk) => ({ ...chunk, orderingTimestamp: nextOrdering() })), ...held];
    if (!(await ctx.store.getConnection(user.user_id))?.active) {
      await dropStoredPayloads(ctx, counted);
      log.info({ reference: options.reference }, "large request not announced: its user disconnected while it was read");
      return;
    }
    // Each destination is told what it will receive: the payloads of types it takes, as many messages each as it makes of them.
    const announcements = await storeLargeRequestAnnouncements(
      ctx,
      {
        userId: user.user_id,
        user: terraUser,
        reference: options.reference,
        dataType,
        // Named after the reference like the chunks, so a re-run of the request's pull is dropped (or
        // re-delivered) as a whole: announcement and chunks together.
        options: { traceId: largeRequestSendingTraceId(options.reference ?? options.traceSeed), orderingTimestamp: announcedAt, counted: true, ...common },
      },
      counted,
    );
    if (options.reference !== undefined) {
      await oweCountedPayloads(ctx, { userId: user.user_id, reference: options.reference, user: terraUser }, announcements, counted);
    }
    for (const stored of [...announcements, ...counted]) await enqueueDeliveries(ctx, stored);
  };

  return {
    async add(normalized) {
      await quarantineRejected(ctx, { user, dataType, rejected: normalized.rejected, traceId: options.traceId, log });
      quarantined += normalized.rejected.length;
      if (normalized.valid.length > 0) ctx.metrics.freshness.set({ provider: user.provider }, Date.now() / 1000);
      for (const record of await storeParts(normalized)) {
        counted(record);
        const closed = packer.add(JSON.stringify(record));
        if (closed) await send(closed);
      }
    },

    async flush() {
      // What a poll's transaction read waits for before its commit; a large request (announced, in chunks)
      // never flushes. A caller's batch (an ingest job's) is its to publish.
      await publishMerged();
      const rest = packer.rest();
      if (rest.length > 0) await send(rest);
    },

    async finish(finishing) {
      // A large request's announcement goes before everything it counts, its merged records' claims included.
      const announcedAt = options.large ? nextOrdering() : 0;
      // Each merged record in a payload of its own, at its version, so a newer version supersedes its
      // delivery and it never lands after one; a large request's wait for the announcement that counts them.
      const held = await publishMerged(options.large ? { hold: true, notBefore: nextOrdering } : {});
      const rest = packer.rest();
      if (rest.length > 0 || (payloads === 0 && options.emitEmpty && !finishing?.continues && dataType !== "athlete")) await send(rest);
      if (options.large) await announce(held, announcedAt);
      await noteNewestData(ctx, user, newest);
      return { records, quarantined, payloads };
    },
  };
}

/** All the records at once (a provider push): one stream, added to once. */
export async function publishRecords(ctx: RuntimeContext, input: PublishInput): Promise<PublishResult> {
  const { normalized, ...options } = input;
  const stream = openPublishStream(ctx, options);
  await stream.add(normalized);
  return stream.finish();
}

/** `most_recent_data_at` only moves when it would move by more than this: one write per user per minute at most. */
const NEWEST_DATA_GRANULARITY_MS = 60_000;

/** A record's newest data point (end, else start time); -Infinity when it has none. */
function dataTime(record: Record<string, unknown>): number {
  const metadata = record.metadata as { end_time?: unknown; start_time?: unknown } | undefined;
  const time = Date.parse(String(metadata?.end_time ?? metadata?.start_time ?? ""));
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

/** Records the newest data point of a publish on the connection: what a stale report measures. */
async function noteNewestData(ctx: RuntimeContext, user: Connection, newest: number): Promise<void> {
  if (!Number.isFinite(newest)) return;
  const known = user.most_recent_data_at === null ? Number.NEGATIVE_INFINITY : Date.parse(user.most_recent_data_at);
  if (newest > known + NEWEST_DATA_GRANULARITY_MS) await ctx.store.markDataSeen(user.user_id, new Date(newest));
}
