import { ErrorCodes, TransientError, UserError, type TributaryError } from "@tributary/core/contracts";

/**
 * Which receiver answers are worth retrying. 401/403 mean the receiver rejects our signature or key and
 * 404/410 that the URL is wrong: retrying would only hammer it, so those go straight to the dead-letter
 * list for an operator to fix and replay. Everything else non-2xx (5xx, 408, 429, …) is retried.
 */
export function classifyResponse(status: number, url: string): TributaryError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const where = redactUrl(url);
  if (status === 401 || status === 403) {
    return new UserError(ErrorCodes.DESTINATION_AUTH, `Receiver ${where} refused the delivery with HTTP ${status}`, {
      hint: "Check that the receiver verifies with the same signing secret as this destination, then replay the dead letters.",
    });
  }
  if (status === 404 || status === 405 || status === 410) {
    return new UserError(ErrorCodes.DESTINATION_CONFIG, `Receiver ${where} answered HTTP ${status}`, {
      hint: "Check the destination url, then replay the dead letters.",
    });
  }
  return new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `Receiver ${where} answered HTTP ${status}`, {
    hint: "Tributary retries with backoff; check the receiver's logs if this persists.",
  });
}

/** Query strings often carry keys: never put them in an error. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid url)";
  }
}
