import { ErrorCodes, TransientError, signTerraPayload, type Delivery } from "@tributary/core/contracts";
import { classifyResponse, redactUrl } from "./classify-response.ts";
import type { HttpPoster } from "./http-post.ts";
import type { WebhookOptions } from "./options.ts";

/** What differs when the body is not the payload's JSON (an activity's FIT file, or a pointer to one). */
export interface PostVariant {
  contentType: string;
  /** The receiver's dedupe key for this body. */
  traceId: string;
  headers: Record<string, string>;
  /** The header the request's reference goes in, when it is not `terra-reference` (what a Terra app counts). */
  referenceHeader?: string;
}

/**
 * POST one payload the way Terra does: raw body (JSON, or FIT bytes), signature over exactly those bytes,
 * trace headers. An aborted `signal` (Tributary gave up on the write) stops the POST, rejecting with its reason.
 */
export async function postSigned(
  poster: HttpPoster,
  options: WebhookOptions,
  delivery: Delivery,
  body: string | Buffer,
  variant?: PostVariant,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const signature = signTerraPayload(options.signingSecret, body);
  const headers: Record<string, string> = {
    ...options.headers,
    ...variant?.headers,
    "content-type": variant?.contentType ?? "application/json",
    "user-agent": "Tributary-Webhooks/1",
    "terra-signature": signature,
    "x-terra-signature": signature,
    "x-terra-trace-id": variant?.traceId ?? delivery.traceId,
    "x-terra-ordering-timestamp": String(delivery.orderingTimestamp),
  };
  if (delivery.reference) headers[variant?.referenceHeader ?? "terra-reference"] = delivery.reference;

  let status: number;
  try {
    status = await poster.post(new URL(options.url), headers, body, options.timeoutMs ?? 8000, signal);
  } catch (cause) {
    signal?.throwIfAborted();
    throw unreachable(options, cause);
  }
  const error = classifyResponse(status, options.url);
  if (error) throw error;
}

/** Whether the receiver answers at all (any status counts), delivering nothing: `check` without --write-test. */
export async function probeReceiver(poster: HttpPoster, options: WebhookOptions): Promise<void> {
  try {
    await poster.head(new URL(options.url), { ...options.headers, "user-agent": "Tributary-Webhooks/1" }, options.timeoutMs ?? 8000);
  } catch (cause) {
    throw unreachable(options, cause);
  }
}

function unreachable(options: WebhookOptions, cause: unknown): TransientError {
  const timedOut = (cause as Error).name === "TimeoutError";
  return new TransientError(
    ErrorCodes.DESTINATION_UNAVAILABLE,
    timedOut
      ? `Receiver ${redactUrl(options.url)} did not answer within ${options.timeoutMs ?? 8000} ms`
      : `Cannot reach receiver ${redactUrl(options.url)}: ${(cause as Error).message}`,
    { cause, hint: "Tributary retries with backoff; check that the receiver is up and answers quickly (verify, enqueue, return 200)." },
  );
}
