import type { DataType } from "@tributary/schemas";
import type { Logger } from "../log/logger.ts";
import type { Connection } from "../state/index.ts";
import { emitPayload } from "./emit-payload.ts";
import { quarantineRejected } from "./quarantine-rejected.ts";
import { dataPayloads, lifecyclePayload } from "./envelope.ts";
import type { Normalized } from "./normalize.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

export interface PublishInput {
  user: Connection;
  dataType: DataType;
  normalized: Normalized;
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
  log: Logger;
}

export interface PublishResult {
  records: number;
  quarantined: number;
  payloads: number;
}

/**
 * The tail every path that produced records shares (pulls and provider pushes): quarantine what failed
 * validation, with its raw provider payload and the issues (never dropped, never delivered), update the
 * metrics, then wrap the valid records in Terra envelopes and fan them out to the destinations.
 */
export async function publishRecords(ctx: RuntimeContext, input: PublishInput): Promise<PublishResult> {
  const { user, dataType, normalized } = input;
  await quarantineRejected(ctx, { user, dataType, rejected: normalized.rejected, traceId: input.traceId, log: input.log });
  if (normalized.valid.length > 0) ctx.metrics.freshness.set({ provider: user.provider }, Date.now() / 1000);

  const terraUser = toTerraUser(user);
  const maxRecords = input.large ? Math.min(ctx.policy.chunkSize, ctx.policy.maxPayloadRecords) : ctx.policy.maxPayloadRecords;
  const payloads =
    normalized.valid.length > 0 || input.emitEmpty
      ? dataPayloads(dataType, terraUser, normalized.valid, { maxRecords, maxBytes: ctx.policy.maxPayloadBytes })
      : [];
  // The announcement, then each payload in order, one millisecond apart: receivers that order by
  // X-Terra-Ordering-Timestamp see them as they were emitted even when deliveries overtake each other.
  const emittedAt = Date.now();
  const common = {
    priority: input.priority,
    developer: user.developer_id,
    ...(input.reference !== undefined ? { reference: input.reference } : {}),
  };

  if (input.large) {
    await emitPayload(
      ctx,
      lifecyclePayload("large_request_sending", {
        user: terraUser,
        reference: input.reference,
        expected_payloads: payloads.length,
        message: `Large request: sending ${payloads.length} payloads of ${dataType} data`,
      }),
      // Named after the reference like the chunks, so a re-run of the request's pull is dropped (or
      // re-delivered) as a whole: announcement and chunks together.
      { traceId: deterministicTraceId(input.reference ?? input.traceSeed, "large_request_sending"), orderingTimestamp: emittedAt, ...common },
    );
  }
  for (const [index, { payload, body }] of payloads.entries()) {
    await emitPayload(ctx, payload, {
      body,
      // Chunks of a large request are named after its reference, so a re-run of the request's pull
      // (new job id, same reference) re-emits the same ids.
      traceId: input.large && input.reference ? `${input.reference}:chunk:${index}` : deterministicTraceId(input.traceSeed, dataType, index),
      orderingTimestamp: emittedAt + index + 1,
      ...common,
    });
  }
  await noteNewestData(ctx, user, normalized.valid);
  return { records: normalized.valid.length, quarantined: normalized.rejected.length, payloads: payloads.length };
}

/** `most_recent_data_at` only moves when it would move by more than this: one write per user per minute at most. */
const NEWEST_DATA_GRANULARITY_MS = 60_000;

/** Records the newest data point among `records` (end, else start time) on the connection: what a stale report measures. */
async function noteNewestData(ctx: RuntimeContext, user: Connection, records: readonly Record<string, unknown>[]): Promise<void> {
  let newest = Number.NEGATIVE_INFINITY;
  for (const record of records) {
    const metadata = record.metadata as { end_time?: unknown; start_time?: unknown } | undefined;
    const time = Date.parse(String(metadata?.end_time ?? metadata?.start_time ?? ""));
    if (time > newest) newest = time;
  }
  if (!Number.isFinite(newest)) return;
  const known = user.most_recent_data_at === null ? Number.NEGATIVE_INFINITY : Date.parse(user.most_recent_data_at);
  if (newest > known + NEWEST_DATA_GRANULARITY_MS) await ctx.store.markDataSeen(user.user_id, new Date(newest));
}
