import { randomUUID } from "node:crypto";
import { isDataType, type DataType } from "@tributary/schemas";
import type { RuntimeConnector } from "../connectors/runtime-connector.ts";
import type { DateRange, StandardRecord } from "../contracts/data-types.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { RateLimitedError, TransientError, UserError } from "../errors/tributary-error.ts";
import { jobId } from "../queue/job-id.ts";
import { Priority, type PullJobData } from "../queue/topology.ts";
import { isLargeRange, parseDateRange } from "../runtime/date-range.ts";
import { clampPullWindow } from "../runtime/pull-window.ts";
import { emitPayload } from "../runtime/emit-payload.ts";
import { lifecyclePayload, type TerraUserObject } from "../runtime/envelope.ts";
import { quarantineRejected } from "../runtime/quarantine-rejected.ts";
import { rateBudget } from "../runtime/rate-budget.ts";
import { readNormalized } from "../runtime/read-normalized.ts";
import { zoneRereads } from "../runtime/zone-rereads.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";
import { toTerraUser } from "../runtime/terra-user.ts";
import { deterministicTraceId } from "../runtime/trace-id.ts";
import type { Connection } from "../state/index.ts";
import { requireConnection } from "./owned-connection.ts";
import type { DeveloperScope, ServiceContext } from "./service-context.ts";

export interface RequestDataInput {
  userId: string;
  dataType: string;
  /** Terra's `start_date`: YYYY-MM-DD, ISO date-time or unix seconds — or a Date. */
  start: string | Date;
  /** Terra's `end_date`; a whole day when YYYY-MM-DD. @default now */
  end?: string | Date;
  /** @default false, as in Terra's current API */
  withSamples?: boolean;
  scope?: DeveloperScope;
}

/** A data request that passed every check: whose, what and when. */
export interface PreparedDataRequest {
  connection: Connection;
  connector: RuntimeConnector;
  dataType: DataType;
  range: DateRange;
  withSamples: boolean;
}

export interface RequestDataResult {
  /** Sent as `terra-reference` with every payload of this request. */
  reference: string;
  /** Longer than `policy.largeRequestDays`: announced, then delivered in chunks. */
  large: boolean;
  user: TerraUserObject;
}

/**
 * Check a data request: a valid window, a user the scope may see that is connected and not paused, and a
 * data type its provider serves. Every refusal is a user error saying what to change.
 */
export async function prepareDataRequest(
  ctx: Pick<ServiceContext, "store" | "registry" | "defaultDeveloper">,
  input: RequestDataInput,
): Promise<PreparedDataRequest> {
  const range = toRange(input.start, input.end);
  const connection = await requireConnection(ctx, input.userId, input.scope);
  if (!connection.active) {
    throw new UserError(ErrorCodes.CONNECTION_INACTIVE, `User ${input.userId} is no longer connected`, {
      hint: "The user must reconnect before data can be requested.",
    });
  }
  if (connection.paused_at !== null) {
    throw new UserError(ErrorCodes.CONNECTION_PAUSED, `User ${input.userId} is paused`, { hint: "Resume the user to request its data again." });
  }
  const connector = ctx.registry.connector(connection.provider);
  if (!isDataType(input.dataType) || !connector.canPull(input.dataType)) {
    throw new UserError(ErrorCodes.DATA_TYPE_UNSUPPORTED, `${connection.provider} does not provide "${input.dataType}" data on request`, {
      hint:
        connector.pullTypes.length > 0
          ? `Request one of: ${connector.pullTypes.join(", ")}.`
          : `${connection.provider} only pushes its data; nothing can be requested from it.`,
    });
  }
  // Cut to what the provider can hold (its history, a week ahead): a request naming 1970 pulls years, not decades.
  return { connection, connector, dataType: input.dataType, range: clampPullWindow(range, connector.sync), withSamples: input.withSamples ?? false };
}

/**
 * An on-demand historical pull delivered to the destinations (`GET /v2/<type>?…&to_webhook=true`): answer
 * with a reference at once and let a live-priority pull deliver the data. A large request is announced
 * right away with `large_request_processing`; the pull then sends `large_request_sending` with
 * `expected_payloads` and the chunks (≤ `policy.chunkSize` objects each, trace ids `<reference>:chunk:<n>`).
 */
export async function enqueueDataRequest(ctx: ServiceContext, request: PreparedDataRequest): Promise<RequestDataResult> {
  const { connection, dataType, range } = request;
  const user = toTerraUser(connection);
  const reference = randomUUID();
  const large = isLargeRange(range, ctx.policy.largeRequestDays);
  if (large) {
    await emitPayload(
      ctx,
      lifecyclePayload("large_request_processing", {
        status: "processing",
        user,
        reference,
        message: `Large request: ${dataType} data from ${range.start.toISOString()} to ${range.end.toISOString()} will arrive in chunks`,
      }),
      { traceId: deterministicTraceId(reference, "large_request_processing"), reference, priority: Priority.live, developer: connection.developer_id },
    );
  }
  const data: PullJobData = {
    userId: connection.user_id,
    provider: connection.provider,
    dataType,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    reason: "request",
    withSamples: request.withSamples,
    reference,
    large,
    traceId: reference,
  };
  await ctx.queues.pull.add(`${connection.provider}:${dataType}`, data, { priority: Priority.live, jobId: jobId("request", reference) });
  return { reference, large, user };
}

/** Check, then enqueue: the whole asynchronous request in one call. */
export async function requestData(ctx: ServiceContext, input: RequestDataInput): Promise<RequestDataResult> {
  return enqueueDataRequest(ctx, await prepareDataRequest(ctx, input));
}

export interface FetchedData {
  user: TerraUserObject;
  records: StandardRecord[];
  quarantined: number;
}

/**
 * A synchronous data request (`to_webhook=false`): read the window from the provider now, within its
 * rate budget, and answer with the valid records; records that fail validation are quarantined, as a
 * pull would. Bounded by `timeoutMs`; nothing is sent to the destinations.
 */
export async function fetchData(
  ctx: ServiceContext & Pick<RuntimeContext, "metrics">,
  request: PreparedDataRequest,
  { timeoutMs = 25_000 }: { timeoutMs?: number } = {},
): Promise<FetchedData> {
  const { connection, connector, dataType, range } = request;
  // Connectors the provider client meters take their budget per request; the others one unit per read.
  const budget = ctx.access.client(connector) ? { ok: true as const } : await rateBudget(ctx).acquire(connection.provider);
  if (!budget.ok) {
    throw new RateLimitedError(ErrorCodes.PROVIDER_RATE_LIMITED, `${connection.provider}'s request budget is spent for now`, budget.retryAfterMs, {
      hint: "Retry after the delay, or ask with to_webhook=true to have the data delivered when the budget allows.",
    });
  }
  const traceId = randomUUID();
  const log = ctx.log.child({ traceId, provider: connection.provider, dataType, userId: connection.user_id });
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new TransientError(ErrorCodes.DATA_REQUEST_TIMEOUT, `${connection.provider} did not answer within ${Math.round(timeoutMs / 1000)} s`, {
          hint: "Ask for a shorter window, or with to_webhook=true to have the data delivered when it is ready.",
        }),
      );
    }, timeoutMs);
  });
  try {
    const read = readNormalized(ctx, {
      connector,
      user: connection,
      dataType,
      range,
      withSamples: request.withSamples,
      signal: controller.signal,
      log,
      onStaleDates: zoneRereads(ctx, connector, connection, traceId),
    });
    read.catch(() => undefined);
    const normalized = await Promise.race([read, timeout]);
    await quarantineRejected(ctx, { user: connection, dataType, rejected: normalized.rejected, traceId, log });
    return { user: toTerraUser(connection), records: normalized.valid, quarantined: normalized.rejected.length };
  } finally {
    clearTimeout(timer);
  }
}

function toRange(start: string | Date, end: string | Date | undefined): DateRange {
  return parseDateRange(dateParam("start", start), end === undefined ? undefined : dateParam("end", end));
}

function dateParam(name: string, value: string | Date): string {
  if (typeof value === "string") return value;
  if (Number.isNaN(value.getTime())) {
    throw new UserError(ErrorCodes.DATE_RANGE_INVALID, `${name} is not a valid date`, { hint: "Pass YYYY-MM-DD, an ISO-8601 date-time or unix seconds." });
  }
  return value.toISOString();
}
