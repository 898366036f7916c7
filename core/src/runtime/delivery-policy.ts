/** How hard a delivery is retried before it becomes a dead letter. */
export interface DeliveryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** First retry delay; each further retry doubles it. */
  backoffSeconds: number;
  /** Cap on one retry delay. */
  maxBackoffSeconds: number;
  /** Requests spanning more days than this are "large": chunked and announced. */
  largeRequestDays: number;
  /** Objects per payload on large requests. */
  chunkSize: number;
  /** Objects per data payload, always (a backfill's month of activities is several payloads). */
  maxPayloadRecords: number;
  /** Bytes of JSON per data payload, always; one record larger than this is sent alone. */
  maxPayloadBytes: number;
  /** Days a finished delivery's audit row (the `deliveries` table) is kept after its last change; 0 keeps them. */
  keepAuditDays: number;
}

/**
 * Close to Terra's receivers' experience: 10 attempts, doubling from 3 minutes and capped at 8 hours,
 * which spreads retries over about 21 hours — long enough to ride out a day-long outage.
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  attempts: 10,
  backoffSeconds: 180,
  maxBackoffSeconds: 8 * 3600,
  largeRequestDays: 28,
  chunkSize: 10,
  maxPayloadRecords: 100,
  // The default request body limit of fastify, NestJS and Next.js; Express's is 100 KB.
  maxPayloadBytes: 1024 * 1024,
  // A month of "what happened to this payload" for support questions, at ~470 B per delivery.
  keepAuditDays: 30,
};

/** Delay before retry number `attemptsMade` (1 = first retry). */
export function backoffDelayMs(policy: DeliveryPolicy, attemptsMade: number): number {
  const seconds = Math.min(policy.backoffSeconds * 2 ** Math.max(0, attemptsMade - 1), policy.maxBackoffSeconds);
  return seconds * 1000;
}

/** How long after its first attempt a delivery can still be retried: the sum of every retry's delay. */
export function retryHorizonMs(policy: DeliveryPolicy): number {
  let total = 0;
  for (let retry = 1; retry < policy.attempts; retry++) total += backoffDelayMs(policy, retry);
  return total;
}
