import { ErrorCodes } from "../errors/codes.ts";
import { TransientError, TributaryError, UserError } from "../errors/tributary-error.ts";

/** What the AWS SDK (v3) puts on the errors it throws; read loosely, as other S3-compatible stores vary. */
interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** One AWS service's errors as an operator reads them: what the call was about and what to check. */
export interface AwsService {
  /** As operators know it: "S3", "SQS". */
  service: string;
  /** What the failing call was about, as it reads after "for": `bucket "lake"`, `queue https://…`. */
  target: string;
  /** What the service refuses when it refuses one, as it reads after "rejected": "an object", "a message". */
  item: string;
  /** Secret-free facts for logs (the bucket, the queue URL); the AWS code and HTTP status are added. */
  details: Record<string, unknown>;
  /** Error codes of this service (beyond the common ones) for refused credentials or permissions. */
  authCodes?: readonly string[];
  /** Error codes for a target that is missing or wrong (never retried). */
  configCodes: readonly string[];
  /** HTTP statuses that mean the same (S3: 301 another region, 404 no such bucket). */
  configStatuses?: readonly number[];
  /** Error codes for an item the service will not take as sent. */
  rejectedCodes?: readonly string[];
  /** What the operator checks, in one sentence each. */
  hints: { auth: string; config: string; rejected: string; unavailable: string };
}

/** Codes every AWS service uses for refused credentials or permissions. */
const AUTH: readonly string[] = [
  "AccessDenied",
  "AccessDeniedException",
  "Forbidden",
  "InvalidAccessKeyId",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "ExpiredToken",
  "InvalidToken",
  "MissingAuthenticationToken",
  "CredentialsProviderError",
];
const THROTTLED = /Throttl|SlowDown|OverLimit/i;
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|socket hang up|TimeoutError|RequestTimeout/i;
/** Names that say nothing about what went wrong: another name, or the status, tells more. */
const GENERIC_NAMES = new Set(["Error", "Unknown", "UnknownError"]);

/**
 * What an AWS failure means for the operator: refused credentials or permissions, a target that is missing
 * or wrong (both never retried), an outage or throttling worth retrying, or an item the service refuses as
 * sent. The AWS message is kept (it names the bucket, key or queue, never a secret); the SDK error stays as
 * `cause`. A Tributary error passes through; anything unrecognized is returned as it is.
 */
export function awsError(error: unknown, service: AwsService): Error {
  if (error instanceof TributaryError) return error;
  const e = (error ?? {}) as AwsLikeError;
  const names = [e.name, e.Code, e.code].filter((n): n is string => typeof n === "string" && n.length > 0);
  const code = names.find((n) => !GENERIC_NAMES.has(n)) ?? names[0] ?? "";
  const has = (codes: readonly string[] | undefined) => names.some((n) => codes?.includes(n));
  const status = e.$metadata?.httpStatusCode;
  const why = `(${code || status || "network"})${e.message && !GENERIC_NAMES.has(e.message) ? `: ${e.message}` : ""}`;
  const options = (hint: string) => ({ hint, cause: error, details: { ...service.details, awsCode: code, ...(status ? { status } : {}) } });
  const { service: name, target } = service;

  if (has(AUTH) || has(service.authCodes) || status === 401 || status === 403) {
    return new UserError(ErrorCodes.DESTINATION_AUTH, `${name} refused the credentials for ${target} ${why}`, options(service.hints.auth));
  }
  if (has(service.configCodes) || (status !== undefined && service.configStatuses?.includes(status))) {
    return new UserError(ErrorCodes.DESTINATION_CONFIG, `${name} ${target} cannot be used ${why}`, options(service.hints.config));
  }
  const transient =
    THROTTLED.test(names.join(" ")) ||
    (status !== undefined && status >= 500) ||
    status === 408 ||
    status === 429 ||
    Boolean(e.$retryable) ||
    NETWORK.test(`${names.join(" ")} ${e.message ?? ""}`);
  if (transient) {
    return new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `${name} is unavailable for ${target} ${why}`, options(service.hints.unavailable));
  }
  if (has(service.rejectedCodes) || e.$fault === "client" || (status !== undefined && status >= 400 && status < 500)) {
    return new UserError(ErrorCodes.DESTINATION_REJECTED, `${name} rejected ${service.item} for ${target} ${why}`, options(service.hints.rejected));
  }
  return error instanceof Error ? error : new Error(String(error));
}
