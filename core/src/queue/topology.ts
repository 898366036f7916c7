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
  /** One job per (payload, destination): write it, retry with backoff, dead-letter after the last attempt. */
  deliver: "deliver",
} as const;

export type QueueName = (typeof Queues)[keyof typeof Queues];

/** Job priorities (lower runs first): live work goes ahead of backfill. */
export const Priority = {
  live: 1,
  scheduled: 5,
  backfill: 10,
} as const;

export type PullReason = "backfill" | "poll" | "reconcile" | "ping" | "request" | "replay";

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
  /** Trace id of the work that caused this pull, for logs. */
  traceId: string;
}

/** One verified provider push notification (a request carrying several becomes several jobs). */
export interface IngestJobData {
  provider: string;
  /** The connection it is about, resolved by the ingress from the provider's user id. */
  userId: string;
  providerUserId: string;
  /** The provider's event type (the connector's `eventTypePointer` value, or "*"). */
  eventType: string;
  /** The notification object as received. */
  notification: unknown;
  receivedAt: number;
  traceId: string;
}

export interface DeliverJobData {
  destination: string;
  traceId: string;
  reference?: string;
  orderingTimestamp: number;
  /** The envelope inline (small) — or a key in Redis where it is stored once for every destination. */
  payload?: { type: string; [field: string]: unknown };
  payloadKey?: string;
}
