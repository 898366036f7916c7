/**
 * The BullMQ queues: the only way work moves between steps. Names are part of the operational surface
 * (dashboards, alerts), so they are constants here and in ARCHITECTURE.md.
 */
export const QUEUE_PREFIX = "tributary";

export const Queues = {
  /** Fetch a data type for a user and date range from a provider, normalize, validate, emit payloads. */
  pull: "pull",
  /** Provider push notifications, already verified by the HTTP ingress: map to a user, then pull or normalize. */
  ingest: "ingest",
  /**
   * One queue per destination (`deliver-<name>`), one job per payload: a slow or broken destination
   * only ever backs up its own queue. Write, retry with backoff, dead-letter after the last attempt.
   */
  deliver: "deliver",
} as const;

/** BullMQ queue names may not contain ":"; destination names are the operator's kebab-case ids. */
export const deliverQueueName = (destination: string): string => `${Queues.deliver}-${destination.replaceAll(":", "-")}`;

export type QueueName = (typeof Queues)[keyof typeof Queues];

/**
 * Job priorities (lower runs first): live work goes ahead of backfill. Live is BullMQ's 0, "no priority":
 * those jobs sit in the plain wait list, which BullMQ serves before every prioritized job and which costs a
 * list push instead of a sorted-set insert on the hottest path (provider pushes and their deliveries).
 */
export const Priority = {
  live: 0,
  scheduled: 5,
  backfill: 10,
} as const;

/** `rezone`: a date read again because the member's UTC offset it was mapped at turned out wrong (runtime/zone-rereads.ts). */
export type PullReason = "backfill" | "poll" | "reconcile" | "ping" | "request" | "replay" | "rezone";

/** Provider pings and on-demand requests are live; backfill waits behind everything; the rest is scheduled. */
export function pullPriority(reason: PullReason): number {
  if (reason === "ping" || reason === "request") return Priority.live;
  if (reason === "backfill") return Priority.backfill;
  return Priority.scheduled;
}

export interface PullJobData {
  userId: string;
  provider: string;
  dataType: string;
  /** ISO timestamps: [start, end). */
  start: string;
  end: string;
  reason: PullReason;
  withSamples: boolean;
  /** Set for on-demand requests: correlates the payloads (`terra-reference`). */
  reference?: string;
  /** An on-demand request announced as large (`large_request_processing`): its data comes in chunks. */
  large?: boolean;
  /** Trace id of the work that caused this pull, for logs. */
  traceId: string;
  /** How often the provider has answered this pull with 429 so far (see MAX_FREE_PROVIDER_RATE_LIMITS). */
  rateLimited?: number;
  /**
   * A pull that waited (rate budget, Retry-After) after publishing part of its window: where each stream's
   * read was (stream executor positions, plain JSON), how many parts were published already, and
   * whether any of them held a payload (else the request's empty answer is still owed).
   */
  resume?: { part: number; positions: Record<string, unknown>; published?: boolean };
}

/**
 * Provider 429s a pull may wait out without spending an attempt. Past it, each 429 fails an attempt, so a
 * provider that never lets us in ends in a failed job an operator sees, not a job parked forever.
 */
export const MAX_FREE_PROVIDER_RATE_LIMITS = 30;

/**
 * A scheduler tick on the pull queue (job name `poll:<PROVIDER>` or `reconcile:<PROVIDER>`): fan out one
 * pull per active connection and data type of the provider. It rides the pull queue so that whichever
 * worker takes it first does it, once, cluster-wide.
 */
export interface PollAllJobData {
  kind: "poll-all";
  provider: string;
  /** `poll`: since each user's last poll; `reconcile`: the last `lookbackDays`, to catch missed pushes. */
  reason: Extract<PullReason, "poll" | "reconcile">;
  /** Longest window one tick pulls (poll: a bound on catching up after downtime). */
  lookbackDays: number;
  /** Width of the job-id bucket: ticks within one bucket enqueue the same ids, so overlaps add nothing. */
  bucketSeconds: number;
}

/**
 * The hourly look for connections gone quiet (job name `stale-check`): each is reported once with a
 * `connection_stale` event. Rides the pull queue, like the scheduler ticks, to run once cluster-wide.
 */
export interface StaleCheckJobData {
  kind: "stale-check";
  /** Names no provider: the check covers every provider that has a staleness threshold. */
  provider: "*";
}

/**
 * The daily renewal of a provider's application subscriptions that expire (job name
 * `renew-subscriptions:<PROVIDER>`, Oura's): those expiring within `webhook.subscription.renew.beforeSeconds`
 * are renewed. Rides the pull queue, like the scheduler ticks, to run once cluster-wide.
 */
export interface RenewSubscriptionsJobData {
  kind: "renew-subscriptions";
  provider: string;
}

/** What the pull queue carries: pulls, and the scheduler ticks that fan out into pulls, check staleness or renew subscriptions. */
export type PullQueueJobData = PullJobData | PollAllJobData | StaleCheckJobData | RenewSubscriptionsJobData;

export const isPollAll = (data: PullQueueJobData): data is PollAllJobData => (data as PollAllJobData).kind === "poll-all";
export const isStaleCheck = (data: PullQueueJobData): data is StaleCheckJobData => (data as StaleCheckJobData).kind === "stale-check";
export const isRenewSubscriptions = (data: PullQueueJobData): data is RenewSubscriptionsJobData =>
  (data as RenewSubscriptionsJobData).kind === "renew-subscriptions";

/** One verified provider push notification, its user resolved by the ingress. */
export interface IngestNotification {
  /**
   * Stable identity: the fingerprint of the request it came in (provider, signature, body) and its index
   * there. Its payloads' trace ids derive from it, so a re-run of the job re-emits the same ids.
   */
  id: string;
  provider: string;
  /** The connection it is about, resolved by the ingress from the provider's user id. */
  userId: string;
  providerUserId: string;
  /** The notification's event type as the connector's `webhook.eventType` (or keys batch) reads it, or "*". */
  eventType: string;
  /** The notification object as received. */
  notification: unknown;
  receivedAt: number;
  traceId: string;
}

/**
 * What an ingest job carries: the notifications the ingress accepted in one event-loop turn, from one
 * request or many, stored by one Redis write (see `MAX_NOTIFICATIONS_PER_INGEST_JOB`).
 */
export interface IngestJobData {
  notifications: IngestNotification[];
}

/** Bounds an ingest job's size (and the work one retry repeats) however many notifications a turn brings. */
export const MAX_NOTIFICATIONS_PER_INGEST_JOB = 100;

export interface DeliverJobData {
  destination: string;
  traceId: string;
  reference?: string;
  orderingTimestamp: number;
  /**
   * Where the serialized envelope is kept (`DeliveryBodies`, once for every destination, not in each job);
   * absent only on erase-only jobs.
   */
  bodyRef?: string;
  /** The payload's type and user, beside the stored body: the audit trail and withholding need no parse. */
  eventType: string;
  userId?: string;
  /**
   * Erase everything the destination holds for this user before writing the payload (deauth): one job,
   * so the erasure and the `deauth` event reach each destination in that order.
   */
  eraseUser?: { user_id: string; provider: string; reference_id?: string | null };
  /** Erase only: the destination does not receive this event type, but erasure is owed everywhere. */
  eraseOnly?: boolean;
  /** The payload is one merged record (a day in parts) at this version: an older one is never written after it. */
  merged?: MergedRecordRef;
  /**
   * Counted by a large request's `large_request_sending` (the announcement included): the app gets it in
   * every case — at a merged record's newest version, or without records once its user is gone or paused.
   */
  counted?: boolean;
}

/** A merged record (its data type and natural key) at one version of its parts. */
export interface MergedRecordRef {
  dataType: string;
  key: string;
  version: number;
}

/**
 * A deliver job as its dead letter keeps it: with the serialized envelope itself instead of `bodyRef`, as
 * the stored body is released when the delivery dies (a replay stores it again). It keeps `bodyRef` only
 * if the body was already gone.
 */
export interface DeadDeliveryData extends DeliverJobData {
  payloadJson?: string;
}
