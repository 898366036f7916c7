import { jobId } from "../queue/job-id.ts";
import { Priority, type PullJobData } from "../queue/topology.ts";
import type { DateRange } from "../contracts/data-types.ts";
import { announceConnection } from "./announce-connection.ts";
import type { ServiceContext } from "./service-context.ts";

export interface ConnectUserInput {
  provider: string;
  /** The developer account the connection belongs to; the default developer's when absent. */
  developerId?: string;
  /** Pre-allocated id (an auth session's). */
  userId?: string;
  referenceId?: string;
  providerUserId?: string;
  scopes?: string;
  tokens?: Record<string, unknown>;
  /** Carried on the `auth` event when the user connected through a widget session. */
  widgetSessionId?: string;
}

/**
 * A new connection: store it, tell the developer's destinations (`auth` event), and backfill the
 * provider's last N days of every data type it supports, at backfill priority so live work goes first.
 */
export async function connectUser(ctx: ServiceContext, input: ConnectUserInput) {
  ctx.registry.connector(input.provider);
  const row = await ctx.store.createConnection({
    provider: input.provider,
    developerId: input.developerId ?? ctx.defaultDeveloper ?? null,
    ...(input.userId !== undefined ? { userId: input.userId } : {}),
    referenceId: input.referenceId,
    providerUserId: input.providerUserId,
    scopes: input.scopes,
    tokens: input.tokens,
  });
  const { user, backfillJobs } = await announceConnection(ctx, { connection: row, widgetSessionId: input.widgetSessionId ?? null });
  return { user, connection: row, backfillJobs };
}

/**
 * Pull `range` of every data type the provider can pull for the user, behind live and scheduled work,
 * and ask the provider for the history it pushes on request (`sync.backfillRequests`). Other push-only
 * data types get no pull: their records arrive by push.
 */
export async function enqueueBackfill(
  ctx: Pick<ServiceContext, "registry" | "queues">,
  userId: string,
  provider: string,
  range: DateRange,
  traceId: string,
): Promise<string[]> {
  const connector = ctx.registry.connector(provider);
  // History the provider pushes when asked (sync.backfillRequests) is asked for by a pull job too.
  const dataTypes = [...new Set([...connector.pullTypes, ...Object.keys(connector.sync.backfillRequests)])];
  const jobs = dataTypes.map((dataType) => {
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
    return { name: `${provider}:${dataType}`, data, opts: { priority: Priority.backfill, jobId: jobId("backfill", userId, dataType, range.start.getTime()) } };
  });
  const added = await ctx.queues.pull.addBulk(jobs);
  return added.map((job) => job.id ?? "");
}
