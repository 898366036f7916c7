import type { DataType } from "@tributary/schemas";
import type { Logger } from "../log/logger.ts";
import type { Connection } from "../state/index.ts";
import { emitPayload } from "./emit-payload.ts";
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
  for (const rejected of normalized.rejected) {
    await ctx.store.quarantineRecord({
      userId: user.user_id,
      provider: user.provider,
      dataType,
      record: rejected.record,
      raw: rejected.raw,
      issues: rejected.issues,
      traceId: input.traceId,
    });
  }
  if (normalized.rejected.length > 0) {
    ctx.metrics.quarantined.inc({ provider: user.provider, data_type: dataType }, normalized.rejected.length);
    input.log.warn({ quarantined: normalized.rejected.length }, "records failed validation and were quarantined");
  }
  if (normalized.valid.length > 0) ctx.metrics.freshness.set({ provider: user.provider }, Date.now() / 1000);

  const terraUser = toTerraUser(user);
  const payloads =
    normalized.valid.length > 0 || input.emitEmpty
      ? dataPayloads(dataType, terraUser, normalized.valid, input.large ? ctx.policy.chunkSize : undefined)
      : [];
  const common = { priority: input.priority, ...(input.reference !== undefined ? { reference: input.reference } : {}) };

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
      { traceId: deterministicTraceId(input.reference ?? input.traceSeed, "large_request_sending"), ...common },
    );
  }
  for (const [index, payload] of payloads.entries()) {
    await emitPayload(ctx, payload, {
      // Chunks of a large request are named after its reference, so a re-run of the request's pull
      // (new job id, same reference) re-emits the same ids.
      traceId: input.large && input.reference ? `${input.reference}:chunk:${index}` : deterministicTraceId(input.traceSeed, dataType, index),
      ...common,
    });
  }
  return { records: normalized.valid.length, quarantined: normalized.rejected.length, payloads: payloads.length };
}
