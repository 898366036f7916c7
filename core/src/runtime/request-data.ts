import { randomUUID } from "node:crypto";
import { isDataType } from "@tributary/schemas";
import type { DateRange } from "../contracts/data-types.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { jobId } from "../queue/job-id.ts";
import { Priority, type PullJobData } from "../queue/topology.ts";
import { isLargeRange, parseDateRange } from "./date-range.ts";
import { clampPullWindow } from "./pull-window.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

export interface RequestDataInput {
  userId: string;
  dataType: string;
  /** Terra's `start_date`: YYYY-MM-DD, ISO date-time or unix seconds — or a Date. */
  start: string | Date;
  /** Terra's `end_date`; a whole day when YYYY-MM-DD. @default now */
  end?: string | Date;
  /** @default false, as in Terra's current API */
  withSamples?: boolean;
  /**
   * Delivery to the destinations (Terra's `to_webhook=true`) is the only mode here; an inline answer
   * (`to_webhook=false`) is the HTTP handler's to produce. @default true
   */
  toWebhook?: true;
}

export interface RequestDataResult {
  /** Sent as `terra-reference` with every payload of this request. */
  reference: string;
  /** Longer than `policy.largeRequestDays`: announced, then delivered in chunks. */
  large: boolean;
}

/**
 * An on-demand historical pull (`GET /v2/<type>?…&to_webhook=true`): validate, answer with a reference
 * at once, and let a live-priority pull deliver the data. A large request is announced right away with
 * `large_request_processing`; the pull then sends `large_request_sending` with `expected_payloads` and
 * the chunks (≤ `policy.chunkSize` objects each, trace ids `<reference>:chunk:<n>`).
 */
export async function requestData(ctx: RuntimeContext, input: RequestDataInput): Promise<RequestDataResult> {
  const asked = toRange(input.start, input.end);
  const user = await ctx.store.getConnection(input.userId);
  if (!user) throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `No user ${input.userId}`, { hint: "Check the user_id; it may have been deauthenticated and deleted." });
  if (!user.active) {
    throw new UserError(ErrorCodes.CONNECTION_INACTIVE, `User ${input.userId} is no longer connected`, { hint: "The user must reconnect before data can be requested." });
  }
  const connector = ctx.registry.connector(user.provider);
  if (!isDataType(input.dataType) || !connector.pull[input.dataType]) {
    throw new UserError(ErrorCodes.DATA_TYPE_UNSUPPORTED, `${user.provider} does not provide "${input.dataType}" data`, {
      hint: `Request one of: ${Object.keys(connector.pull).join(", ")}.`,
    });
  }

  const reference = randomUUID();
  const range = clampPullWindow(asked, connector);
  const large = isLargeRange(range, ctx.policy.largeRequestDays);
  if (large) {
    await emitPayload(
      ctx,
      lifecyclePayload("large_request_processing", {
        status: "processing",
        user: toTerraUser(user),
        reference,
        message: `Large request: ${input.dataType} data from ${range.start.toISOString()} to ${range.end.toISOString()} will arrive in chunks`,
      }),
      { traceId: deterministicTraceId(reference, "large_request_processing"), reference, priority: Priority.live },
    );
  }
  const data: PullJobData = {
    userId: user.user_id,
    provider: user.provider,
    dataType: input.dataType,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    reason: "request",
    withSamples: input.withSamples ?? false,
    reference,
    large,
    traceId: reference,
  };
  await ctx.queues.pull.add(`${user.provider}:${input.dataType}`, data, { priority: Priority.live, jobId: jobId("request", reference) });
  return { reference, large };
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
