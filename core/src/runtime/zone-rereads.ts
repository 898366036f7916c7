import type { DataType, StreamSpec } from "@tributary/schemas";
import type { RuntimeConnector } from "../connectors/runtime-connector.ts";
import { jobId } from "../queue/job-id.ts";
import { pullPriority, type PullJobData } from "../queue/topology.ts";
import type { Connection } from "../state/index.ts";
import type { OnStaleDates, StaleDate } from "../streams/mapped-offsets.ts";
import { DEFAULT_MAX_HISTORY_DAYS } from "./pull-window.ts";
import type { RuntimeContext } from "./runtime-context.ts";

const DAY_MS = 86_400_000;

/**
 * The connection learned an offset that changes the zone of dates whose records were already mapped at
 * another (Polar: a day read before its session was synced): one pull of each such date, of the data type
 * whose stream mapped it, so the day is delivered again — a newer version of the same record — at the
 * offset now decided. The job id names the date and the change (offsets mapped at → now decided): a burst
 * of sessions that teach the same change adds one pull, and a later, different change of that date another.
 * Dates past the provider's history are not asked for.
 */
export function zoneRereads(ctx: Pick<RuntimeContext, "queues" | "log">, connector: RuntimeConnector, user: Connection, traceId: string): OnStaleDates {
  return async (stale) => {
    const earliest = Date.now() - (connector.sync.maxHistoryDays ?? DEFAULT_MAX_HISTORY_DAYS) * DAY_MS;
    const pulls = stale.flatMap((date) => {
      const found = streamOf(connector, date.stream);
      if (!found) return [];
      const window = rereadWindow(found.stream, date);
      if (window.end <= earliest) return [];
      const data: PullJobData = {
        userId: user.user_id,
        provider: connector.name,
        dataType: found.dataType,
        start: new Date(window.start).toISOString(),
        end: new Date(window.end).toISOString(),
        reason: "rezone",
        withSamples: true,
        traceId,
      };
      const id = jobId("rezone", user.user_id, found.dataType, date.date, date.from.join(","), date.to.join(","));
      return [{ name: `${connector.name}:${found.dataType}`, data, opts: { priority: pullPriority("rezone"), jobId: id } }];
    });
    if (pulls.length === 0) return;
    await ctx.queues.pull.addBulk(pulls);
    ctx.log.info(
      { provider: connector.name, userId: user.user_id, traceId, dates: stale.map((date) => `${date.stream} ${date.date}`) },
      "the member's UTC offset learned changes days already delivered: reading them again",
    );
  };
}

function streamOf(connector: RuntimeConnector, name: string): { dataType: DataType; stream: StreamSpec } | undefined {
  for (const [dataType, streams] of Object.entries(connector.definition.spec.streams ?? {})) {
    const stream = streams?.find((one) => one.name === name);
    if (stream) return { dataType: dataType as DataType, stream };
  }
  return undefined;
}

/**
 * The window that reads one local date again: a stream asked for dates (Polar's `from`/`to`) gets that
 * date as a UTC day, which it renders as the date itself; any other, the local day at the offset now decided.
 */
function rereadWindow(stream: StreamSpec, date: StaleDate): { start: number; end: number } {
  const midnight = Date.parse(`${date.date}T00:00:00Z`);
  const shift = stream.dateRange?.start.format === "date" ? 0 : (date.to[0] ?? 0) * 1000;
  return { start: midnight - shift, end: midnight + DAY_MS - shift };
}
