import type { DataType } from "@tributary/schemas";
import type { Logger } from "../log/logger.ts";
import type { Connection } from "../state/index.ts";
import { emitPayload, enqueueDeliveries, storePayload, type StoredPayload } from "./emit-payload.ts";
import { lifecyclePayload, serializedDataPayload } from "./envelope.ts";
import type { Normalized } from "./normalize.ts";
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
 * sends the valid records on in payloads as soon as one is full, so a pull over years holds one payload's
 * worth of records at a time, not years of them.
 */
export interface PublishStream {
  add(normalized: Normalized): Promise<void>;
  /** Send what is left (and, for a large request, the announcement, then its chunks). */
  finish(): Promise<PublishResult>;
}

/**
 * A payload is sent once it holds this much serialized data (or MAX_RECORDS_PER_PAYLOAD records): a
 * month of activities with samples is several MB, years of them would not fit in a worker's memory nor
 * in most receivers' request limits.
 */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
export const MAX_RECORDS_PER_PAYLOAD = 1000;

/**
 * The tail every path that produced records shares (pulls and provider pushes): quarantine what failed
 * validation, with its raw provider payload and the issues (never dropped, never delivered), update the
 * metrics, then wrap the valid records in Terra envelopes and fan them out to the destinations.
 *
 * A large request's chunks are stored as they are made and their deliveries enqueued only after the
 * `large_request_sending` announcement, which must state how many there are: Terra's order
 * (`large_request_processing`, `large_request_sending`, the chunks) without holding the chunks in memory.
 */
export function openPublishStream(ctx: RuntimeContext, options: PublishOptions): PublishStream {
  const { user, dataType, log } = options;
  const terraUser = toTerraUser(user);
  const common = { priority: options.priority, ...(options.reference !== undefined ? { reference: options.reference } : {}) };
  const maxRecords = options.large ? ctx.policy.chunkSize : dataType === "athlete" ? 1 : MAX_RECORDS_PER_PAYLOAD;
  let pending: string[] = [];
  let pendingBytes = 0;
  let payloads = 0;
  let records = 0;
  let quarantined = 0;
  const chunks: StoredPayload[] = [];

  const traceIdOf = (index: number) =>
    // Chunks of a large request are named after its reference, so a re-run of the request's pull (new job
    // id, same reference) re-emits the same ids.
    options.large && options.reference ? `${options.reference}:chunk:${index}` : deterministicTraceId(options.traceSeed, dataType, index);

  const flush = async () => {
    const body = serializedDataPayload(dataType, terraUser, pending);
    pending = [];
    pendingBytes = 0;
    const index = payloads++;
    const stored = await storePayload(ctx, { type: dataType, userId: user.user_id, body }, { traceId: traceIdOf(index), ...common });
    if (options.large) chunks.push(stored);
    else await enqueueDeliveries(ctx, stored);
  };

  return {
    async add(normalized) {
      for (const rejected of normalized.rejected) {
        await ctx.store.quarantineRecord({
          userId: user.user_id,
          provider: user.provider,
          dataType,
          record: rejected.record,
          raw: rejected.raw,
          issues: rejected.issues,
          traceId: options.traceId,
        });
      }
      if (normalized.rejected.length > 0) {
        quarantined += normalized.rejected.length;
        ctx.metrics.quarantined.inc({ provider: user.provider, data_type: dataType }, normalized.rejected.length);
        log.warn({ quarantined: normalized.rejected.length }, "records failed validation and were quarantined");
      }
      if (normalized.valid.length > 0) ctx.metrics.freshness.set({ provider: user.provider }, Date.now() / 1000);
      for (const record of normalized.valid) {
        const text = JSON.stringify(record);
        pending.push(text);
        pendingBytes += text.length;
        records++;
        if (pending.length >= maxRecords || pendingBytes >= MAX_PAYLOAD_BYTES) await flush();
      }
    },

    async finish() {
      if (pending.length > 0 || (payloads === 0 && options.emitEmpty && dataType !== "athlete")) await flush();
      if (options.large) {
        await emitPayload(
          ctx,
          lifecyclePayload("large_request_sending", {
            user: terraUser,
            reference: options.reference,
            expected_payloads: chunks.length,
            message: `Large request: sending ${chunks.length} payloads of ${dataType} data`,
          }),
          // Named after the reference like the chunks, so a re-run of the request's pull is dropped (or
          // re-delivered) as a whole: announcement and chunks together.
          { traceId: deterministicTraceId(options.reference ?? options.traceSeed, "large_request_sending"), ...common },
        );
        for (const chunk of chunks) await enqueueDeliveries(ctx, chunk);
      }
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
