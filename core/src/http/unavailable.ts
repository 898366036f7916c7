import { withTimeout as boundedBy } from "../util/with-timeout.ts";
import type { FastifyReply } from "fastify";

/** Seconds a client is told to wait after a 503 (providers and SDKs honour Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

export const QUEUE_UNAVAILABLE = "queue unavailable, retry later";

/** 503 with Retry-After: the request was fine, a dependency (Redis, the database) is not. */
export function sendUnavailable(reply: FastifyReply, message = QUEUE_UNAVAILABLE): FastifyReply {
  return reply.code(503).header("retry-after", String(RETRY_AFTER_SECONDS)).send({ status: "error", message });
}

/** Thrown by `withTimeout`; handlers treat it like any other unavailable dependency. */
export class DependencyTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not answer within ${timeoutMs} ms`);
    this.name = "DependencyTimeoutError";
  }
}

/**
 * A bound on anything a request waits for. The producer connection already fails fast once connected,
 * but BullMQ waits for a first connection that never came (API started while Redis was down).
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return boundedBy(promise, timeoutMs, () => new DependencyTimeoutError(what, timeoutMs));
}
