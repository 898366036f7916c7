import { randomUUID } from "node:crypto";
import { supportedDataTypes } from "../contracts/connector.ts";
import { jobId } from "../queue/job-id.ts";
import { Priority, type PullJobData } from "../queue/topology.ts";
import { lastDays } from "./date-range.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import { toTerraUser } from "./terra-user.ts";
import type { RuntimeContext } from "./runtime-context.ts";

export interface ConnectUserInput {
  provider: string;
  referenceId?: string;
  providerUserId?: string;
  scopes?: string;
  tokens?: Record<string, unknown>;
}

/**
 * A new connection: store it, tell destinations (`auth` event), and backfill the provider's last N days
 * of every data type it supports, at backfill priority so live work goes first.
 */
export async function connectUser(ctx: RuntimeContext, input: ConnectUserInput) {
  const connector = ctx.registry.connector(input.provider);
  const row = await ctx.store.createConnection({
    provider: input.provider,
    referenceId: input.referenceId,
    providerUserId: input.providerUserId,
    scopes: input.scopes,
    tokens: input.tokens,
  });
  const user = toTerraUser(row);
  const traceId = randomUUID();
  await emitPayload(
    ctx,
    lifecyclePayload("auth", {
      status: "success",
      user,
      reference_id: user.reference_id,
      message: "User has successfully authenticated",
    }),
    { traceId, priority: Priority.live },
  );
  const days = ctx.providers[input.provider]?.backfillDays ?? connector.backfillDays ?? 28;
  const backfill = await enqueueBackfill(ctx, user.user_id, input.provider, days, traceId);
  return { user, backfillJobs: backfill };
}

export async function enqueueBackfill(ctx: RuntimeContext, userId: string, provider: string, days: number, traceId: string): Promise<string[]> {
  const connector = ctx.registry.connector(provider);
  const range = lastDays(days);
  const jobs = supportedDataTypes(connector).map((dataType) => {
    const data: PullJobData = {
      userId,
      provider,
      dataType,
      start: range.start.toISOString(),
      end: range.end.toISOString(),
      reason: "backfill",
      withSamples: true,
      traceId,
    };
    return { name: `${provider}:${dataType}`, data, opts: { priority: Priority.backfill, jobId: jobId("backfill", userId, dataType) } };
  });
  const added = await ctx.queues.pull.addBulk(jobs);
  return added.map((job) => job.id ?? "");
}
