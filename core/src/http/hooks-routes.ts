import rateLimit from "@fastify/rate-limit";
import type { WebhookSpec } from "@tributary/schemas";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServerConfig } from "../config/config-schema.ts";
import type { RuntimeConnector } from "../connectors/runtime-connector.ts";
import { acknowledgement } from "../ingress/acknowledgement.ts";
import { answerHandshake } from "../ingress/answer-handshake.ts";
import { decodePushBody } from "../ingress/parse-push-body.ts";
import { pushSettings, type ProviderPushConfig, type PushSettings } from "../ingress/push-settings.ts";
import { readNotifications, type Notification } from "../ingress/read-notifications.ts";
import { replayFingerprint, replayHoldSeconds } from "../ingress/replay-fingerprint.ts";
import { isSubscriptionPing } from "../ingress/subscription-ping.ts";
import { precheckPush, verifyPush } from "../ingress/verify-push.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import type { WebhookRequest } from "../ingress/webhook-request.ts";
import { WEBHOOK_ROUTE } from "../ingress/webhook-url.ts";
import { jobId } from "../queue/job-id.ts";
import { MAX_NOTIFICATIONS_PER_INGEST_JOB, type IngestJobData, type IngestNotification } from "../queue/topology.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";
import { createByteBudget } from "./byte-budget.ts";
import { hookDurationHistogram, type WebhookOutcome } from "./http-metrics.ts";
import type { ProducerQueues } from "../queue/producer-queues.ts";
import type { ProviderUserCache } from "./provider-user-cache.ts";
import type { ReplayGuard } from "./replay-guard.ts";
import { sendUnavailable, withTimeout } from "./unavailable.ts";

export interface HooksRoutesOptions {
  ctx: RuntimeContext;
  producer: ProducerQueues;
  users: ProviderUserCache;
  replayGuard: ReplayGuard;
  /** Bound on each Redis or database call of a push request. */
  dependencyTimeoutMs: number;
  limits: Pick<ServerConfig["limits"], "hookBodyBytes" | "notificationsPerRequest">;
  rateLimit: ServerConfig["rateLimit"];
}

type ProviderRequest = FastifyRequest<{ Params: { provider: string } }>;
/** Without settings (the secret is not configured yet) only the subscription's ping is answered. */
type PushTarget = { connector: RuntimeConnector; definition: ConnectorDefinition; settings: PushSettings | undefined };
type Enqueued = { ok: true } | { ok: false; error: unknown };

/**
 * Provider push ingress, run from the connector's webhook spec (`ingress/`): verify the push as its
 * scheme declares over the raw bytes, refuse replays, decode the body (JSON or form), split it into
 * notifications, find each one's users (every connection of the account), enqueue them and answer at
 * once; subscription handshakes on GET and HEAD. No database write and no destination call happens
 * here; the ingest worker does the rest.
 *
 * Each step refuses as early as it can decide, and before the costlier ones: the source's rate budget,
 * then the provider, its secret and the signature header (before the body is read), then the size,
 * signature, replay, nesting and shape of the body. What can never succeed is answered 4xx (providers
 * retry anything else for ever); what a dependency failed is answered 503 and left for the retry.
 */
export async function hooksRoutes(app: FastifyInstance, options: HooksRoutesOptions): Promise<void> {
  const { ctx, producer, users, replayGuard, dependencyTimeoutMs, limits } = options;
  const duration = hookDurationHistogram(ctx.metrics.registry);
  const count = (provider: string, outcome: WebhookOutcome, n = 1) => ctx.metrics.webhooks.inc({ provider, outcome }, n);
  const providerLabel = (request: ProviderRequest) => pushTarget(ctx, request.params.provider)?.connector.name ?? "unknown";

  // The notifications of every request answered in one event-loop turn go into one ingest job (one
  // Redis write and one job for the worker to take, not one per request: at thousands of requests a
  // second, BullMQ's per-job work is most of the cost); each request still answers only once its own
  // notifications are in Redis. Should the shared write fail, each request's notifications are written
  // alone, so a request that cannot be stored fails by itself and not its neighbours.
  const addJobs = async (notifications: IngestNotification[]) => {
    const jobs = ingestJobs(notifications);
    // One job (the common case) skips addBulk's pipeline, whose construction costs more than the add.
    if (jobs.length === 1) await producer.ingest.add(jobs[0]!.name, jobs[0]!.data);
    else await producer.ingest.addBulk(jobs);
  };
  const enqueue = createTickBatcher(async (batches: IngestNotification[][]): Promise<Enqueued[]> => {
    try {
      await addJobs(batches.flat());
      return batches.map(() => ({ ok: true }));
    } catch (error) {
      if (batches.length === 1) return [{ ok: false, error }];
      return Promise.all(
        batches.map((batch) =>
          addJobs(batch).then(
            (): Enqueued => ({ ok: true }),
            (error: unknown): Enqueued => ({ ok: false, error }),
          ),
        ),
      );
    }
  });

  // Signatures are computed over the bytes the provider sent: every body stays a Buffer, never parsed
  // and re-serialized JSON (key order, whitespace and unicode escapes would change).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: limits.hookBodyBytes }, (_request, body, done) => done(null, body));

  // Per source address (request.ip: the peer, or what server.trustProxy believes of X-Forwarded-For).
  // Checked on request, before anything else is looked at or read.
  const limited = options.rateLimit.max > 0;
  await app.register(rateLimit, {
    global: false,
    hook: "onRequest",
    addHeadersOnExceeding: { "x-ratelimit-limit": false, "x-ratelimit-remaining": false, "x-ratelimit-reset": false },
    addHeaders: { "x-ratelimit-limit": false, "x-ratelimit-remaining": false, "x-ratelimit-reset": false, "retry-after": true },
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      status: "error",
      message: `too many requests from this address; retry in ${context.after}`,
    }),
    onExceeded: (request) => count(providerLabel(request as ProviderRequest), "rate_limited"),
  });
  const rateLimitConfig = { rateLimit: limited ? { max: options.rateLimit.max, timeWindow: options.rateLimit.perSeconds * 1000 } : (false as const) };
  // A source that keeps failing verification is refused before its bodies are read, for the rest of the
  // window: signed-looking junk costs a body read and an HMAC each, legitimate traffic never fails.
  const rejections = limited ? app.createRateLimit({ max: options.rateLimit.maxRejected, timeWindow: options.rateLimit.perSeconds * 1000 }) : undefined;
  const bytes = limited ? createByteBudget({ maxBytes: options.rateLimit.maxBytes, windowMs: options.rateLimit.perSeconds * 1000 }) : undefined;

  app.addHook("onResponse", async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode === 413) {
      const provider = providerLabel(request as ProviderRequest);
      request.log.warn(
        { provider, contentLength: request.headers["content-length"], limit: limits.hookBodyBytes },
        "provider push refused: its body is larger than server.limits.hookBodyBytes (raise it if the provider's pushes are this large)",
      );
      count(provider, "too_large");
    }
  });

  const targets = new WeakMap<FastifyRequest, PushTarget>();
  /** Refusals decided from the request line and headers: the body is never read, the connection not kept. */
  const refuseEarly = async (request: ProviderRequest, reply: FastifyReply) => {
    const refuse = (status: number, message: string) => {
      if (request.headers["content-length"] !== "0") reply.header("connection", "close");
      return reply.code(status).send({ status: "error", message });
    };
    const found = pushTarget(ctx, request.params.provider);
    if (!found) {
      // A provider still pushing to a deployment that disabled it (or a typo in its callback URL) shows here.
      const name = request.params.provider.toUpperCase().replaceAll("-", "_");
      request.log.warn(
        { provider: request.params.provider.slice(0, 64) },
        "provider push refused: no provider of that name takes pushes here (unknown, disabled, or without a webhook)",
      );
      count(ctx.registry.hasConnector(name) ? name : "unknown", "not_found");
      return refuse(404, `no provider "${request.params.provider.slice(0, 64)}" accepts webhooks here`);
    }
    const provider = found.connector.name;
    const settings = pushSettings(found.definition.spec, ctx.providers[provider] as ProviderPushConfig | undefined);
    // The secret comes from the subscription's answer, after its ping: the body is read to answer that ping alone.
    const awaitsPing = !settings.ok && settings.missing === "secret" && found.definition.spec.webhook!.subscription?.ping !== undefined;
    if (!settings.ok && !awaitsPing) {
      request.log.error({ provider }, `provider push refused: ${settings.problem} — ${settings.hint}`);
      count(provider, "unavailable");
      if (request.headers["content-length"] !== "0") reply.header("connection", "close");
      return sendUnavailable(reply, settings.missing === "secret" ? "webhook secret not configured" : "webhook subscription setting not configured");
    }
    if (rejections) {
      const state = await rejections(request, { increment: false });
      if (!state.isAllowed && state.remaining === 0 && state.ttl > 0) {
        count(provider, "rate_limited");
        reply.header("retry-after", String(state.ttlInSeconds));
        return refuse(429, `too many requests from this address failed verification; retry in ${state.ttlInSeconds} s`);
      }
    }
    // Refused on its headers, a body is never read: it costs the source no bytes.
    const refusal = precheckPush(found.definition.spec.webhook!, request.headers);
    if (refusal !== undefined) {
      await rejected(request, provider, refusal);
      return refuse(401, refusal);
    }
    if (bytes) {
      const wait = bytes.wait(request.ip);
      if (wait > 0) {
        count(provider, "rate_limited");
        reply.header("retry-after", String(wait));
        return refuse(429, `this address sent more than its share of bytes; retry in ${wait} s`);
      }
      const declared = Number(request.headers["content-length"]);
      if (Number.isFinite(declared)) bytes.charge(request.ip, declared);
    }
    targets.set(request, { ...found, settings: settings.ok ? settings.settings : undefined });
  };
  const rejected = async (request: FastifyRequest, provider: string, reason: string) => {
    request.log.warn({ provider, reason }, "provider push rejected: bad signature");
    count(provider, "rejected_signature");
    await rejections?.(request);
  };

  app.post(WEBHOOK_ROUTE, { bodyLimit: limits.hookBodyBytes, preParsing: refuseEarly, config: rateLimitConfig }, async (request: ProviderRequest, reply) => {
    const target = targets.get(request)!;
    const { connector, definition, settings } = target;
    const webhook = definition.spec.webhook!;
    const provider = connector.name;

    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    // A chunked body declared no length: it is charged what it turned out to be.
    if (bytes && request.headers["content-length"] === undefined) bytes.charge(request.ip, rawBody.length);
    const webhookRequest: WebhookRequest = { headers: request.headers, rawBody, query: request.query as Record<string, unknown> };
    const verified = settings ? verifyPush(definition, webhookRequest, settings) : undefined;
    if (!verified?.ok) {
      if (isSubscriptionPing(webhook, rawBody)) {
        request.log.info({ provider }, "provider push: the subscription's ping, answered without its signature (its key comes with the subscription)");
        count(provider, "ignored");
        return acknowledge(reply, webhook, { status: "accepted", notifications: 0, ignored: 1 });
      }
      if (!verified) {
        request.log.error(
          { provider },
          `provider push refused: no secret to verify ${provider}'s pushes with — set it from the subscription (tributary subscriptions create ${provider})`,
        );
        count(provider, "unavailable");
        return sendUnavailable(reply, "webhook secret not configured");
      }
      await rejected(request, provider, verified.reason);
      return reply.code(401).send({ status: "error", message: verified.reason });
    }

    const fingerprint = replayFingerprint(provider, verified);
    let firstSighting: boolean;
    try {
      firstSighting = await withTimeout(replayGuard.claim(fingerprint, replayHoldSeconds(verified)), dependencyTimeoutMs, "redis");
    } catch (error) {
      return unavailable(request, reply, provider, error);
    }
    if (!firstSighting) {
      request.log.warn({ provider }, "provider push rejected: replay of an earlier request");
      count(provider, "replayed");
      return reply.code(401).send({ status: "error", message: "replayed" });
    }
    // From here on a refusal frees the claim: the provider's retry of this request must not look like a replay.
    const release = () => replayGuard.release(fingerprint).catch(() => undefined);
    const badRequest = async (message: string) => {
      await release();
      count(provider, "bad_request");
      request.log.warn({ provider, reason: message }, "provider push refused: it can never be processed");
      return reply.code(400).send({ status: "error", message });
    };

    const parsed = verified.body ?? decodePushBody(rawBody, webhook.body);
    if (!parsed.ok) return badRequest(parsed.reason);
    const extracted = readNotifications(webhook, parsed.body, { maxNotifications: limits.notificationsPerRequest });
    if (!extracted.ok) return badRequest(extracted.reason);
    const { refused, duplicates } = extracted;
    if (refused.length > 0) {
      // The rest of the batch goes on: a refusal of the request would have the provider retry it for ever.
      request.log.warn(
        { provider, refused: refused.length, reasons: refused.slice(0, 5).map((r) => `${r.at}: ${r.reason}`) },
        "provider push: notifications that can never be processed left out of their batch",
      );
      count(provider, "refused_notification", refused.length);
    }
    // Ignored notifications (a provider's ping, events nothing is done about) are acknowledged, not queued.
    const actionable = extracted.notifications.filter((n): n is Notification & { providerUserId: string } => n.action.action !== "ignore");
    const ignored = extracted.notifications.length - actionable.length;

    let userIds: Array<readonly string[]>;
    try {
      userIds = await withTimeout(Promise.all(actionable.map((n) => users.resolve(provider, n.providerUserId))), dependencyTimeoutMs, "database");
    } catch (error) {
      await release();
      return unavailable(request, reply, provider, error, "state store unavailable, retry later");
    }

    const accepted = acceptedNotifications(provider, actionable, userIds, fingerprint, request.id);
    const skipped = userIds.filter((ids) => ids.length === 0).length;
    if (skipped > 0) {
      // Providers retry any non-2xx forever, so a notification nobody can use is acknowledged and counted.
      request.log.info({ provider, skipped }, "provider push: notifications for unknown provider accounts skipped");
      count(provider, "unknown_user", skipped);
    }
    if (accepted.length > 0) {
      let enqueued: Enqueued;
      try {
        enqueued = await withTimeout(enqueue(accepted), dependencyTimeoutMs, "redis");
      } catch (error) {
        enqueued = { ok: false, error };
      }
      if (!enqueued.ok) {
        // A value that cannot be serialized fails the same way every time; anything else is Redis.
        if (enqueued.error instanceof RangeError || enqueued.error instanceof TypeError) return badRequest("the notifications cannot be stored");
        await release();
        return unavailable(request, reply, provider, enqueued.error);
      }
      count(provider, "accepted");
    }
    if (ignored > 0) count(provider, "ignored", ignored);
    if (duplicates > 0) count(provider, "duplicate", duplicates);
    return acknowledge(reply, webhook, {
      status: "accepted",
      notifications: accepted.length,
      ...(skipped > 0 ? { skipped } : {}),
      ...(ignored > 0 ? { ignored } : {}),
      ...(duplicates > 0 ? { duplicates } : {}),
      ...(refused.length > 0 ? { refused: refused.length } : {}),
    });
  });

  // HEAD before GET: fastify would otherwise answer HEAD with the GET handler (Withings probes with HEAD).
  const handshake = async (request: ProviderRequest, reply: FastifyReply) => {
    const found = pushTarget(ctx, request.params.provider);
    if (!found) return reply.code(404).send({ status: "error", message: `no subscription handshake for "${request.params.provider.slice(0, 64)}"` });
    const provider = found.connector.name;
    const answer = answerHandshake(
      found.definition.spec.webhook!.handshakes ?? [],
      { method: request.method, query: request.query as Record<string, unknown> },
      verifyTokenOf(ctx, provider),
    );
    switch (answer.outcome) {
      case "answered":
        count(provider, "challenge");
        // Plain text when the provider wants a bare echo: never HTML, so the echo cannot become markup.
        if ("json" in answer) return reply.send(answer.json);
        if ("text" in answer) return reply.type("text/plain; charset=utf-8").send(answer.text);
        return reply.code(answer.status).send();
      case "refused":
        request.log.warn({ provider }, `subscription handshake refused: ${answer.message}`);
        count(provider, "rejected_signature");
        return reply.code(answer.status).send({ status: "error", message: answer.message });
      case "unavailable":
        request.log.error({ provider }, `subscription handshake refused: set providers.${provider}.verifyToken in the config`);
        count(provider, "unavailable");
        return sendUnavailable(reply, answer.message);
      case "bad_request":
        count(provider, "bad_request");
        return reply.code(answer.status).send({ status: "error", message: answer.message });
    }
  };
  app.head(WEBHOOK_ROUTE, { config: rateLimitConfig }, handshake);
  app.get(WEBHOOK_ROUTE, { config: rateLimitConfig }, handshake);

  function unavailable(request: FastifyRequest, reply: FastifyReply, provider: string, error: unknown, message?: string) {
    request.log.warn({ provider, err: (error as Error).message }, "provider push not accepted: dependency unavailable");
    count(provider, "unavailable");
    return sendUnavailable(reply, message);
  }
}

/**
 * An accepted push answered as its provider documents (`webhook.acknowledge`): the status it counts as
 * delivered, with the summary unless that status carries no body (Fitbit's 204).
 */
function acknowledge(reply: FastifyReply, webhook: Pick<WebhookSpec, "acknowledge">, summary: Record<string, unknown>) {
  const { status, withBody } = acknowledgement(webhook);
  return withBody ? reply.code(status).send(summary) : reply.code(status).send();
}

/**
 * The connector addressed by the path, accepting any case and dashes (`/hooks/google-fit` finds
 * GOOGLE_FIT); undefined for unknown, disabled or push-less providers.
 */
function pushTarget(ctx: RuntimeContext, param: string): { connector: RuntimeConnector; definition: ConnectorDefinition } | undefined {
  const name = param.toUpperCase().replaceAll("-", "_");
  if (!ctx.registry.hasConnector(name) || ctx.providers[name]?.enabled === false) return undefined;
  const connector = ctx.registry.connector(name);
  return connector.definition.spec.webhook ? { connector, definition: connector.definition } : undefined;
}

/**
 * One ingest notification per connection of the account a notification names: an account connected for
 * several developers, or under several reference_ids, gets each of them the push (as Terra does).
 */
function acceptedNotifications(
  provider: string,
  notifications: Array<Notification & { providerUserId: string }>,
  userIds: Array<readonly string[]>,
  fingerprint: string,
  traceId: string,
) {
  const receivedAt = Date.now();
  const accepted: IngestNotification[] = [];
  notifications.forEach((notification, index) => {
    for (const userId of userIds[index] ?? []) {
      accepted.push({
        // Same delivery, same id: its payloads keep their trace ids however often the job runs.
        id: jobId("hook", fingerprint, index, userId),
        provider,
        userId,
        providerUserId: notification.providerUserId,
        eventType: notification.eventType,
        notification: notification.document,
        receivedAt,
        traceId,
      });
    }
  });
  return accepted;
}

/**
 * Ingest jobs of at most MAX_NOTIFICATIONS_PER_INGEST_JOB notifications each, named for the dashboard
 * after what they carry. No priority option: pushes are live work (Priority.live, BullMQ's wait list).
 */
function ingestJobs(notifications: IngestNotification[]): Array<{ name: string; data: IngestJobData }> {
  const jobs: Array<{ name: string; data: IngestJobData }> = [];
  for (let i = 0; i < notifications.length; i += MAX_NOTIFICATIONS_PER_INGEST_JOB) {
    const chunk = notifications.slice(i, i + MAX_NOTIFICATIONS_PER_INGEST_JOB);
    const kinds = new Set(chunk.map((n) => `${n.provider}:${n.eventType}`));
    jobs.push({ name: kinds.size === 1 ? [...kinds][0]! : `${chunk.length} notifications`, data: { notifications: chunk } });
  }
  return jobs;
}

function verifyTokenOf(ctx: RuntimeContext, provider: string): string | undefined {
  const token = ctx.providers[provider]?.verifyToken;
  return typeof token === "string" && token !== "" ? token : undefined;
}
