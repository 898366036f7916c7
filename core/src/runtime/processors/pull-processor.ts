import type { Job } from "bullmq";
import type { DataType } from "@tributary/schemas";
import type { ProviderRecord } from "../../contracts/connector.ts";
import { ErrorCodes } from "../../errors/codes.ts";
import { UserError } from "../../errors/tributary-error.ts";
import { Priority, type PullJobData } from "../../queue/topology.ts";
import { emitPayload } from "../emit-payload.ts";
import { dataPayloads, lifecyclePayload } from "../envelope.ts";
import { normalize, type Normalized } from "../normalize.ts";
import { readProviderRecords } from "../read-provider-records.ts";
import type { RuntimeContext } from "../runtime-context.ts";
import { deterministicTraceId } from "../trace-id.ts";
import { isLargeRange } from "../date-range.ts";

export interface PullResult {
  records: number;
  quarantined: number;
  payloads: number;
}

/** Map in slices so a long backfill's provider pages are not all held at once. */
const MAP_SLICE = 200;

/**
 * Pull one data type for one user and window: read provider records, map, validate, quarantine what fails,
 * then emit payloads — chunked and announced when the request was a large one.
 */
export async function processPull(ctx: RuntimeContext, job: Job<PullJobData>, signal?: AbortSignal): Promise<PullResult> {
  const data = job.data;
  const user = await ctx.store.getConnection(data.userId);
  if (!user) {
    throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `No connection ${data.userId}`, { hint: "The user was deleted; nothing to pull." });
  }
  if (!user.active) return { records: 0, quarantined: 0, payloads: 0 };
  const connector = ctx.registry.connector(data.provider);
  const dataType = data.dataType as DataType;
  const spec = connector.pull[dataType];
  if (!spec) {
    throw new UserError(ErrorCodes.PLUGIN_INVALID, `${data.provider} does not provide ${data.dataType}`, { plugin: data.provider });
  }

  const connection = { userId: user.user_id, provider: user.provider, referenceId: user.reference_id, providerUserId: user.provider_user_id ?? null };
  const range = { start: new Date(data.start), end: new Date(data.end) };
  const credentials = connector.auth.type === "none" ? undefined : await ctx.store.getTokens(user.user_id);
  const log = ctx.log.child({ traceId: data.traceId, provider: data.provider, dataType, userId: user.user_id });
  const mapContext = { connection, dataType, withSamples: data.withSamples };
  const result: Normalized = { valid: [], rejected: [] };
  let slice: ProviderRecord[] = [];
  for await (const raw of readProviderRecords(data.provider, spec, {
    ...mapContext,
    range,
    ...(credentials ? { credentials } : {}),
    signal: signal ?? new AbortController().signal,
    log,
  })) {
    slice.push(raw);
    if (slice.length >= MAP_SLICE) {
      normalize(spec, dataType, slice, mapContext, result);
      slice = [];
    }
  }
  normalize(spec, dataType, slice, mapContext, result);

  for (const rejected of result.rejected) {
    await ctx.store.quarantineRecord({
      userId: user.user_id,
      provider: user.provider,
      dataType,
      record: rejected.record,
      raw: rejected.raw,
      issues: rejected.issues,
      traceId: data.traceId,
    });
  }
  if (result.rejected.length > 0) ctx.metrics.quarantined.inc({ provider: user.provider, data_type: dataType }, result.rejected.length);
  if (result.valid.length > 0) ctx.metrics.freshness.set({ provider: user.provider }, Date.now() / 1000);
  if (result.rejected.length > 0) log.warn({ quarantined: result.rejected.length }, "records failed validation and were quarantined");

  const large = data.reason === "request" && isLargeRange(range, ctx.policy.largeRequestDays);
  const terraUser = toTerraUser(user);
  const payloads =
    result.valid.length > 0 || data.reason === "request"
      ? dataPayloads(dataType, terraUser, result.valid, large ? ctx.policy.chunkSize : undefined)
      : [];
  const priority = data.reason === "backfill" ? Priority.backfill : data.reason === "request" || data.reason === "ping" ? Priority.live : Priority.scheduled;

  if (large) {
    await emitPayload(
      ctx,
      lifecyclePayload("large_request_sending", {
        user: terraUser,
        reference: data.reference,
        expected_payloads: payloads.length,
        message: `Large request: sending ${payloads.length} payloads of ${dataType} data`,
      }),
      { traceId: deterministicTraceId(job.id ?? data.traceId, "large_request_sending"), reference: data.reference, priority },
    );
  }
  for (const [index, payload] of payloads.entries()) {
    await emitPayload(ctx, payload, {
      traceId: large ? `${data.reference}:chunk:${index}` : deterministicTraceId(job.id ?? data.traceId, dataType, index),
      reference: data.reference,
      priority,
    });
  }
  await ctx.store.markPolled(user.user_id, new Date());
  await job.updateProgress({ records: result.valid.length, quarantined: result.rejected.length, payloads: payloads.length });
  return { records: result.valid.length, quarantined: result.rejected.length, payloads: payloads.length };
}

type ConnectionRow = NonNullable<Awaited<ReturnType<RuntimeContext["store"]["getConnection"]>>>;

export function toTerraUser(row: ConnectionRow) {
  return {
    user_id: row.user_id,
    provider: row.provider,
    reference_id: row.reference_id ?? null,
    scopes: row.scopes ?? null,
    active: row.active,
    created_at: row.created_at ?? null,
    last_webhook_update: row.last_webhook_update ?? null,
  };
}
