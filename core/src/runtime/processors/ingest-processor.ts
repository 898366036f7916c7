import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import type { DataType, WebhookEventAction } from "@tributary/schemas";
import type { RuntimeConnector } from "../../connectors/runtime-connector.ts";
import type { ProviderRecord } from "../../contracts/connector.ts";
import { ErrorCodes } from "../../errors/codes.ts";
import { errorClassOf, operatorMessage, UserError } from "../../errors/tributary-error.ts";
import { fetchNotifiedRecords, pushExecutorOf, type FetchAction } from "../../ingress/fetch-notified-records.ts";
import { selectAction } from "../../ingress/select-action.ts";
import type { Logger } from "../../log/logger.ts";
import { jobId } from "../../queue/job-id.ts";
import { Priority, type IngestJobData, type IngestNotification, type PullJobData } from "../../queue/topology.ts";
import { deauthorizeUser } from "../../services/deauthorize-user.ts";
import { actionDataTypes } from "../../spec/action-data-types.ts";
import { compilePointer } from "../../spec/pointer.ts";
import type { Connection } from "../../state/index.ts";
import { loadConnection } from "../connection-lookup.ts";
import { notificationWindow } from "../notification-window.ts";
import type { Rejected } from "../normalize.ts";
import { applyPermissionChange, type PermissionChangeResult } from "../apply-permission-change.ts";
import { createMergedRecordBatch, type MergedRecordBatch } from "../merged-records.ts";
import { publishRecords } from "../publish-records.ts";
import { connectionInfo } from "../terra-user.ts";
import type { RuntimeContext } from "../runtime-context.ts";
import { zoneRereads } from "../zone-rereads.ts";
import { providerSecretPolicy } from "../secret-policy.ts";

export type IngestResult =
  | { action: "skipped"; reason: string }
  /** The job stalled with several notifications: each now runs as a job of its own. */
  | { action: "isolated"; jobs: number }
  | { action: "ignored" }
  | { action: "deauthorized"; status: "deauthorized" | "already_deauthorized" }
  | PermissionChangeResult
  /** One live pull of the window per data type the event changes. */
  | { action: "pull"; pullJobIds: string[]; start: string; end: string }
  | { action: "published"; records: number; quarantined: number; payloads: number }
  /** After the notifications: the merged records (days in parts) they changed, each published once. */
  | { action: "merged"; records: number };

/** One minute: two identical pings within it are one pull (see the job id below). */
const PING_BUCKET_MS = 60_000;

/**
 * An ingest job: the provider push notifications the ingress accepted in one event-loop turn, each with
 * its user already resolved. They are independent and handled concurrently. When some fail, the job keeps
 * only those (their ids, hence their payloads' trace ids, are stable), so a retry — and in the end the
 * dead letter — holds the failed notifications and not their neighbours. A transient failure retries the
 * job; an error only an operator can fix fails it without retries.
 *
 * A job that stalled (its worker died while running it) and carries several notifications is split into
 * one job per notification: if one of them kills its worker, it alone stalls to its limit and becomes a
 * dead letter, and the others go through.
 */
export async function processIngest(ctx: RuntimeContext, job: Job<IngestJobData>): Promise<IngestResult[]> {
  const notifications = job.data.notifications;
  if (notifications.length > 1 && (job.stalledCounter ?? 0) > 0) {
    await ctx.queues.ingest.addBulk(
      notifications.map((notification) => ({
        name: `${notification.provider}:${notification.eventType}`,
        data: { notifications: [notification] },
        opts: { jobId: jobId("isolated", notification.id) },
      })),
    );
    ctx.log.warn({ jobId: job.id, notifications: notifications.length }, "an ingest job stalled (its worker died): its notifications now run one job each");
    return [{ action: "isolated", jobs: notifications.length }];
  }
  // Parts of one merged record that arrive together (a push of a day's 96 epochs and its summary, each a
  // notification) publish that record once, after all of them are stored.
  const merged = createMergedRecordBatch();
  const settled = await Promise.allSettled(notifications.map((notification) => processNotification(ctx, notification, merged)));
  const failed = notifications.filter((_, i) => settled[i]!.status === "rejected");
  // Even when some failed: the parts stored are published now. If this fails, the job runs again whole,
  // storing the same parts again, and publishes them then.
  const mergedResult: IngestResult[] = merged.size > 0 ? [{ action: "merged", records: (await merged.publish(ctx)).records.length }] : [];
  if (failed.length === 0) return [...settled.map((outcome) => (outcome as PromiseFulfilledResult<IngestResult>).value), ...mergedResult];

  const errors = settled.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
  if (failed.length < notifications.length) await job.updateData({ notifications: failed });
  const transient = errors.find((error) => errorClassOf(error) !== "user");
  if (transient !== undefined) throw transient;
  throw new UnrecoverableError(`${failed.length} of ${notifications.length} notifications failed: ${operatorMessage(errors[0])}`);
}

/**
 * One notification, handled as the connector's webhook spec says for its event type: `pull_window`
 * becomes a live-priority pull of the window it names; `records` carries the provider's records, which
 * go through the connector's mapping, validation, quarantine and emission like pulled ones; `deauth`
 * deauthorizes the user (erasure and the `deauth` event, as the API's deauth does); `permissions`
 * stores the scopes the user shares now and sends `permission_change` when they changed; `ignore` is
 * acknowledged only.
 */
export async function processNotification(
  ctx: RuntimeContext,
  data: IngestNotification,
  /** Where the merged records it changes are noted for the job to publish; without it, they are published here. */
  merged?: MergedRecordBatch,
): Promise<IngestResult> {
  const log = ctx.log.child({ traceId: data.traceId, provider: data.provider, userId: data.userId, eventType: data.eventType });
  const user = await loadConnection(ctx.store, data.userId);
  if (!user?.active || user.paused_at !== null) {
    // Deauthorized (or deleted) between the push and now, or paused by its developer: nothing of theirs may flow.
    log.info({ found: Boolean(user), paused: user?.paused_at != null }, "push notification for a missing, inactive or paused connection; skipped");
    return { action: "skipped", reason: !user ? "connection not found" : user.active ? "connection paused" : "connection inactive" };
  }
  // A busy user pushes many times a minute: the stored time is only rewritten once it is a minute
  // behind, which keeps one UPDATE per user per minute instead of one per notification.
  if (isStale(user.last_webhook_update, data.receivedAt)) await ctx.store.touchWebhookUpdate(user.user_id, new Date(data.receivedAt));

  const connector = ctx.registry.connector(data.provider);
  const webhook = connector.definition.spec.webhook;
  const action = webhook ? selectAction(webhook, data.eventType, data.notification) : undefined;
  if (!action) {
    // The ingress accepted it under a configuration that has changed since.
    log.warn("push notification of an event type the connector no longer handles; skipped");
    return { action: "skipped", reason: `no action for event type "${data.eventType}"` };
  }
  switch (action.action) {
    case "ignore":
      return { action: "ignored" };
    case "deauth": {
      const result = await deauthorizeUser(ctx, user.user_id);
      log.info({ status: result.status }, "the provider says the user revoked access: deauthorized");
      return { action: "deauthorized", status: result.status };
    }
    case "permissions":
      return await applyPermissionChange(ctx, data, action, user, log);
    case "pull_window":
      return await enqueueWindowPull(ctx, data, action, user);
    case "records":
    case "pull_object":
    case "pull_url":
      return await publishPushed(ctx, data, connector, action, user, log, merged);
  }
}

async function enqueueWindowPull(
  ctx: RuntimeContext,
  data: IngestNotification,
  action: Extract<WebhookEventAction, { action: "pull_window" }>,
  user: Connection,
): Promise<IngestResult> {
  const window = notificationWindow(data.notification, action, data.receivedAt);
  if (!window.fromNotification && (action.start || action.end || action.date)) {
    ctx.log.warn({ provider: data.provider, traceId: data.traceId }, "ping named no readable window; pulling the last 24 hours");
  }
  const start = window.start.toISOString();
  const end = window.end.toISOString();
  const pulls = (actionDataTypes(action) as DataType[]).map((dataType) => {
    const pull: PullJobData = { userId: user.user_id, provider: data.provider, dataType, start, end, reason: "ping", withSamples: true, traceId: data.traceId };
    // A ping's identity is (user, type, window): the same ping delivered twice — a provider retry with a
    // fresh signature, a second subscription — adds no second pull while the first is known to BullMQ.
    // A defaulted window is bucketed by the minute it arrived in, so a later ping still pulls.
    const id = window.fromNotification
      ? jobId("ping", user.user_id, dataType, window.start.getTime(), window.end.getTime())
      : jobId("ping", user.user_id, dataType, "recent", Math.floor(data.receivedAt / PING_BUCKET_MS));
    return { name: `${data.provider}:${dataType}`, data: pull, opts: { priority: Priority.live, jobId: id } };
  });
  const added = await ctx.queues.pull.addBulk(pulls);
  return { action: "pull", pullJobIds: added.map((job, i) => job.id ?? pulls[i]!.opts.jobId), start, end };
}

/**
 * Records a push carries (`records`), or names (`pull_object`: one object by id through its stream's
 * object request; `pull_url`: the records behind a URL on an allowed origin, fetched through the
 * connection's provider session), mapped by the connector, validated, quarantined or emitted.
 */
async function publishPushed(
  ctx: RuntimeContext,
  data: IngestNotification,
  connector: RuntimeConnector,
  action: Extract<WebhookEventAction, { action: "records" }> | FetchAction,
  user: Connection,
  log: Logger,
  merged: MergedRecordBatch | undefined,
): Promise<IngestResult> {
  const dataType = action.dataType as DataType;
  let mapping: string = dataType;
  let stream: string | undefined;
  let records: unknown[] | undefined;
  let unreadable: Rejected[] = [];
  const connection = connectionInfo(user);
  if (action.action === "records") {
    mapping = action.mapping ?? dataType;
    const found = compilePointer(action.records)(data.notification);
    // One record where a list was expected is that list of one; nothing at all cannot be mapped.
    records = Array.isArray(found) ? found : found !== null && typeof found === "object" ? [found] : undefined;
  } else {
    const session = await ctx.access.session(connector, user);
    if (!session) {
      throw new UserError(
        ErrorCodes.PLUGIN_INVALID,
        `${connector.name}'s webhook fetches what a push names (${action.action}), but its spec makes no provider requests`,
        {
          hint: "Give the connector spec an http section (baseUrl), or carry the records in the push.",
          plugin: connector.name,
        },
      );
    }
    const fetched = await fetchNotifiedRecords(connector.definition, action, data.notification, {
      session,
      executor: pushExecutorOf(connector.definition),
      connection,
      // An object a push names teaches the member's zone as the stream's reads do.
      zone: { cursors: ctx.store, userId: user.user_id, onStale: zoneRereads(ctx, connector, user, data.traceId) },
    });
    mapping = fetched.mapping;
    stream = fetched.stream;
    records = fetched.records;
    unreadable = fetched.rejected ?? [];
  }
  if (!records) {
    const pointer = (action as { records: string }).records;
    // Nothing can be mapped, but the provider's payload is kept for whoever fixes the mapping.
    await ctx.store.quarantineRecord({
      userId: user.user_id,
      provider: user.provider,
      dataType,
      record: null,
      raw: data.notification,
      issues: [{ path: pointer, rule: "type", message: `expected provider records at ${JSON.stringify(pointer)}` }],
      traceId: data.traceId,
      secrets: providerSecretPolicy(ctx, user.provider),
    });
    ctx.metrics.quarantined.inc({ provider: user.provider, data_type: dataType });
    log.warn({ records: pointer }, "push notification carries no records; quarantined");
    return { action: "published", records: 0, quarantined: 1, payloads: 0 };
  }
  const options = ctx.providers[connector.name]?.options as Record<string, unknown> | undefined;
  // An object fetched by a stream's object request is that stream's record: its transform hook applies.
  const normalized = await connector.normalize(
    dataType,
    records as ProviderRecord[],
    { connection, withSamples: true, options, log, ...(stream !== undefined ? { stream } : {}) },
    mapping,
  );
  normalized.rejected.push(...unreadable);
  const published = await publishRecords(ctx, {
    user,
    dataType,
    normalized,
    traceId: data.traceId,
    // The notification's id comes from the delivery's fingerprint: a retried job re-emits the same trace ids.
    traceSeed: data.id,
    priority: Priority.live,
    ...(merged ? { merged } : {}),
    log,
  });
  return { action: "published", ...published };
}

/** How far `last_webhook_update` may lag behind the newest push (it is a coarse "last heard from" time). */
const WEBHOOK_UPDATE_GRANULARITY_MS = 60_000;

function isStale(lastWebhookUpdate: string | null, receivedAt: number): boolean {
  return lastWebhookUpdate === null || Date.parse(lastWebhookUpdate) < receivedAt - WEBHOOK_UPDATE_GRANULARITY_MS;
}
