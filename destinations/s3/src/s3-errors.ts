import { ErrorCodes, TransientError, TributaryError, UserError } from "@tributary/core/contracts";

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const AUTH = new Set([
  "AccessDenied",
  "Forbidden",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "AccountProblem",
  "AllAccessDisabled",
  "CredentialsProviderError",
]);
const CONFIG = new Set([
  "NoSuchBucket",
  "NotFound",
  "PermanentRedirect",
  "AuthorizationHeaderMalformed",
  "IllegalLocationConstraintException",
  "InvalidBucketName",
  "InvalidBucketState",
]);
const REJECTED = new Set(["EntityTooLarge", "InvalidArgument", "InvalidRequest", "KeyTooLongError", "MetadataTooLarge"]);
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|socket hang up|TimeoutError|RequestTimeout/i;

/**
 * What an S3 failure means for the operator: bad credentials or permissions (never retried), a bucket or
 * region that is wrong (never retried), an object S3 refuses, or an outage worth retrying. The AWS message is
 * kept (it names the bucket or key, never a secret); the SDK error stays as `cause`.
 */
export function s3Error(error: unknown, bucket: string): Error {
  if (error instanceof TributaryError) return error;
  const e = (error ?? {}) as AwsLikeError;
  const names = [e.Code, e.name, e.code].filter((n): n is string => typeof n === "string" && n.length > 0);
  const code = names[0] ?? "";
  const is = (set: Set<string>) => names.some((n) => set.has(n));
  const status = e.$metadata?.httpStatusCode;
  const detail = e.message && e.message !== "UnknownError" ? `: ${e.message}` : "";
  const details = { bucket, awsCode: code, ...(status ? { status } : {}) };
  if (is(AUTH) || status === 401 || status === 403) {
    return new UserError(ErrorCodes.DESTINATION_AUTH, `S3 refused the credentials for bucket "${bucket}" (${code || status})${detail}`, {
      hint: "Check accessKeyId/secretAccessKey (or the instance role) and that the policy allows s3:PutObject, GetObject, ListBucket and DeleteObject on this bucket.",
      cause: error,
      details,
    });
  }
  if (is(CONFIG) || status === 301 || status === 404) {
    return new UserError(ErrorCodes.DESTINATION_CONFIG, `S3 bucket "${bucket}" cannot be used (${code || status})${detail}`, {
      hint: "Check that the bucket exists, and that region, endpoint and forcePathStyle match where it lives.",
      cause: error,
      details,
    });
  }
  if (is(REJECTED) || (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429)) {
    return new UserError(ErrorCodes.DESTINATION_REJECTED, `S3 rejected an object in bucket "${bucket}" (${code || status})${detail}`, {
      hint: "The payload cannot be stored as sent; see the S3 error code.",
      cause: error,
      details,
    });
  }
  if ((status !== undefined && status >= 500) || status === 408 || status === 429 || e.$retryable || NETWORK.test(`${names.join(" ")} ${e.message ?? ""}`)) {
    return new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `S3 is unavailable for bucket "${bucket}" (${code || status || "network"})${detail}`, {
      hint: "Retried automatically; if it persists, check the endpoint and network path to S3.",
      cause: error,
      details,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
