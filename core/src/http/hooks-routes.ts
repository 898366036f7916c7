import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ConnectorDefinition } from "../contracts/connector.ts";
import type { WebhookRequest, WebhookSpec } from "../contracts/webhook.ts";
import { extractNotifications, type Notification } from "../ingress/extract-notifications.ts";
import { verifyWebhook } from "../ingress/verify-webhook.ts";
import { jobId } from "../queue/job-id.ts";
import { MAX_NOTIFICATIONS_PER_INGEST_JOB, type IngestJobData, type IngestNotification } from "../queue/topology.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";
import { hookDurationHistogram, type WebhookOutcome } from "./http-metrics.ts";
import type { ProducerQueues } from "../queue/producer-queues.ts";
import type { ProviderUserCache } from "./provider-user-cache.ts";
import { deliveryFingerprint, type ReplayGuard } from "./replay-guard.ts";
import { safeEqualText } from "./safe-equal.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";
import { sendUnavailable, withTimeout } from "./unavailable.ts";

export interface HooksRoutesOptions {
  ctx: RuntimeContext;
  producer: ProducerQueues;
  users: ProviderUserCache;
  replayGuard: ReplayGuard;
  /** Bound on each Redis or database call of a push request. */
  dependencyTimeoutMs: number;
  /** Largest push body accepted, in bytes. */
  bodyLimit: number;
}

/** Replay window of schemes without a timestamp of their own (the timestamped default, too). */
const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

type ProviderRequest = FastifyRequest<{ Params: { provider: string } }>;

/**
 * Provider push ingress: verify the signature over the raw bytes, refuse replays, split the body into
 * notifications, find each one's user, enqueue one ingest job per notification and answer at once. No
 * database write and no destination call happens here; the ingest worker does the rest.
 */
export async function hooksRoutes(app: FastifyInstance, options: HooksRoutesOptions): Promise<void> {
  const { ctx, producer, users, replayGuard, dependencyTimeoutMs } = options;
  const duration = hookDurationHistogram(ctx.metrics.registry);
  const count = (provider: string, outcome: WebhookOutcome, n = 1) => ctx.metrics.webhooks.inc({ provider, outcome }, n);
  // The notifications of every request answered in one event-loop turn go into one ingest job (one
  // Redis write and one job for the worker to take, not one per request: at thousands of requests a
  // second, BullMQ's per-job work is most of the cost); each request still answers only once its own
  // notifications are in Redis.
  const enqueue = createTickBatcher(async (batches: IngestNotification[][]) => {
    const jobs = ingestJobs(batches.flat());
    // One job (the common case) skips addBulk's pipeline, whose construction costs more than the add.
    if (jobs.length === 1) await producer.ingest.add(jobs[0]!.name, jobs[0]!.data);
    else await producer.ingest.addBulk(jobs);
    return batches.map(() => undefined);
  });

  // Signatures are computed over the bytes the provider sent: every body stays a Buffer, never parsed
  // and re-serialized JSON (key order, whitespace and unicode escapes would change).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: options.bodyLimit }, (_request, body, done) => done(null, body));

  app.addHook("onResponse", async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.post("/hooks/:provider", async (request: ProviderRequest, reply) => {
    const found = pushTarget(ctx, request.params.provider);
    if (!found) return reply.code(404).send({ status: "error", message: `no provider "${request.params.provider}" accepts webhooks here` });
    const { connector, spec } = found;
    const provider = connector.name;

    const secret = ctx.providers[provider]?.pushSecret;
    if (!secret) {
      request.log.error({ provider }, `provider push refused: no secret configured — set providers.${provider}.pushSecret (or webhookSecret) in the config`);
      count(provider, "unavailable");
      return sendUnavailable(reply, "webhook secret not configured");
    }

    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const webhookRequest: WebhookRequest = { headers: request.headers, rawBody, query: request.query as Record<string, string | undefined> };
    const verified = verifyWebhook(spec, webhookRequest, secret);
    if (!verified.ok) {
      request.log.warn({ provider, reason: verified.reason }, "provider push rejected: bad signature");
      count(provider, "rejected_signature");
      return reply.code(401).send({ status: "error", message: verified.reason });
    }

    const fingerprint = deliveryFingerprint(provider, signatureOf(spec, webhookRequest), rawBody);
    const window = typeof spec.verify === "function" ? DEFAULT_REPLAY_WINDOW_SECONDS : (spec.verify.toleranceSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS);
    let firstSighting: boolean;
    try {
      firstSighting = await withTimeout(replayGuard.claim(fingerprint, window), dependencyTimeoutMs, "redis");
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

    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString("utf8"));
    } catch {
      await release();
      count(provider, "bad_request");
      return reply.code(400).send({ status: "error", message: "body is not valid JSON" });
    }
    const extracted = extractNotifications(spec, body);
    if (!extracted.ok) {
      await release();
      count(provider, "bad_request");
      return reply.code(400).send({ status: "error", message: extracted.reason });
    }

    let userIds: Array<string | undefined>;
    try {
      userIds = await withTimeout(
        Promise.all(extracted.notifications.map((n) => users.resolve(provider, n.providerUserId))),
        dependencyTimeoutMs,
        "database",
      );
    } catch (error) {
      await release();
      return unavailable(request, reply, provider, error, "state store unavailable, retry later");
    }

    const accepted = acceptedNotifications(provider, extracted.notifications, userIds, fingerprint, request.id);
    const skipped = extracted.notifications.length - accepted.length;
    if (skipped > 0) {
      // Providers retry any non-2xx forever, so a notification nobody can use is acknowledged and counted.
      request.log.info({ provider, skipped }, "provider push: notifications for unknown provider accounts skipped");
      count(provider, "unknown_user", skipped);
    }
    if (accepted.length > 0) {
      try {
        await withTimeout(enqueue(accepted), dependencyTimeoutMs, "redis");
      } catch (error) {
        await release();
        return unavailable(request, reply, provider, error);
      }
      count(provider, "accepted");
    }
    return reply.code(200).send({ status: "accepted", notifications: accepted.length, ...(skipped > 0 ? { skipped } : {}) });
  });

  app.get("/hooks/:provider", async (request: ProviderRequest, reply) => {
    const found = pushTarget(ctx, request.params.provider);
    const challenge = found?.spec.challenge;
    if (!found || !challenge) return reply.code(404).send({ status: "error", message: `no subscription handshake for "${request.params.provider}"` });
    const provider = found.connector.name;
    const query = request.query as Record<string, unknown>;

    const value = query[challenge.queryParam];
    if (typeof value !== "string" || value === "") {
      count(provider, "bad_request");
      return reply.code(400).send({ status: "error", message: `missing ${challenge.queryParam}` });
    }
    if (challenge.verifyTokenParam) {
      const expected = ctx.providers[provider]?.verifyToken;
      if (typeof expected !== "string" || expected === "") {
        request.log.error({ provider }, `subscription handshake refused: set providers.${provider}.verifyToken in the config`);
        count(provider, "unavailable");
        return sendUnavailable(reply, "verify token not configured");
      }
      const given = query[challenge.verifyTokenParam];
      if (typeof given !== "string" || !safeEqualText(given, expected)) {
        request.log.warn({ provider }, "subscription handshake refused: verify token does not match");
        count(provider, "rejected_signature");
        return reply.code(403).send({ status: "error", message: "verify token does not match" });
      }
    }
    count(provider, "challenge");
    // Plain text when the provider wants a bare echo: never HTML, so the echo cannot become markup.
    return challenge.responseField ? reply.send({ [challenge.responseField]: value }) : reply.type("text/plain; charset=utf-8").send(value);
  });

  function unavailable(request: FastifyRequest, reply: FastifyReply, provider: string, error: unknown, message?: string) {
    request.log.warn({ provider, err: (error as Error).message }, "provider push not accepted: dependency unavailable");
    count(provider, "unavailable");
    return sendUnavailable(reply, message);
  }
}

/**
 * The connector addressed by the path, accepting any case and dashes (`/hooks/google-fit` finds
 * GOOGLE_FIT); undefined for unknown, disabled or push-less providers.
 */
function pushTarget(ctx: RuntimeContext, param: string): { connector: ConnectorDefinition; spec: WebhookSpec } | undefined {
  const name = param.toUpperCase().replaceAll("-", "_");
  if (!ctx.registry.hasConnector(name) || ctx.providers[name]?.enabled === false) return undefined;
  const connector = ctx.registry.connector(name);
  return connector.webhook ? { connector, spec: connector.webhook } : undefined;
}

function signatureOf(spec: WebhookSpec, request: WebhookRequest): string {
  if (typeof spec.verify === "function") return "";
  const value = request.headers[spec.verify.header.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function acceptedNotifications(provider: string, notifications: Notification[], userIds: Array<string | undefined>, fingerprint: string, traceId: string) {
  const receivedAt = Date.now();
  const accepted: IngestNotification[] = [];
  notifications.forEach((notification, index) => {
    const userId = userIds[index];
    if (!userId) return;
    accepted.push({
      // Same delivery, same id: its payloads keep their trace ids however often the job runs.
      id: jobId("hook", fingerprint, index),
      provider,
      userId,
      providerUserId: notification.providerUserId,
      eventType: notification.eventType,
      notification: notification.body,
      receivedAt,
      traceId,
    });
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
