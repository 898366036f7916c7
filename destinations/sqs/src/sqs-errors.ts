import { ErrorCodes, TransientError, TributaryError, UserError } from "@tributary/core/contracts";

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const AUTH = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "ExpiredToken",
  "MissingAuthenticationToken",
  "InvalidSecurity",
  "KmsAccessDenied",
  "KMS.AccessDeniedException",
  "CredentialsProviderError",
]);
const CONFIG = new Set([
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "QueueDeletedRecently",
  "AWS.SimpleQueueService.QueueDeletedRecently",
  "InvalidAddress",
  "KmsDisabled",
  "KMS.DisabledException",
  "KmsNotFound",
  "KMS.NotFoundException",
  "UnsupportedOperation",
  "AWS.SimpleQueueService.UnsupportedOperation",
]);
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|socket hang up|TimeoutError/i;

/**
 * What an SQS failure means for the operator: refused credentials, a queue that does not exist (never
 * retried), a message SQS will not take, or an outage worth retrying. AWS messages name the queue, never a
 * secret; the SDK error stays as `cause`.
 */
export function sqsError(error: unknown, queueUrl: string): Error {
  if (error instanceof TributaryError) return error;
  const e = (error ?? {}) as AwsLikeError;
  const names = [e.name, e.Code, e.code].filter((n): n is string => typeof n === "string" && n.length > 0);
  const code = names[0] ?? "";
  const is = (set: Set<string>) => names.some((n) => set.has(n));
  const status = e.$metadata?.httpStatusCode;
  const detail = e.message ? `: ${e.message}` : "";
  const details = { queueUrl, awsCode: code, ...(status ? { status } : {}) };
  if (is(AUTH) || status === 401 || status === 403) {
    return new UserError(ErrorCodes.DESTINATION_AUTH, `SQS refused the credentials for ${queueUrl} (${code || status})${detail}`, {
      hint: "Check accessKeyId/secretAccessKey (or the instance role) and that the policy allows sqs:SendMessage and sqs:GetQueueAttributes on this queue (and kms:GenerateDataKey if it is encrypted).",
      cause: error,
      details,
    });
  }
  if (is(CONFIG)) {
    return new UserError(ErrorCodes.DESTINATION_CONFIG, `SQS queue ${queueUrl} cannot be used (${code})${detail}`, {
      hint: "Check queueUrl, region and endpoint: the queue must exist in that account and region.",
      cause: error,
      details,
    });
  }
  const throttled = /Throttl|RequestThrottled|OverLimit|KmsThrottled/i.test(names.join(" "));
  if (throttled || (status !== undefined && status >= 500) || e.$retryable || NETWORK.test(`${names.join(" ")} ${e.message ?? ""}`)) {
    return new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `SQS is unavailable for ${queueUrl} (${code || status || "network"})${detail}`, {
      hint: "Retried automatically; if it persists, check the endpoint and network path to SQS.",
      cause: error,
      details,
    });
  }
  if (e.$fault === "client" || (status !== undefined && status >= 400 && status < 500)) {
    return new UserError(ErrorCodes.DESTINATION_REJECTED, `SQS rejected a message for ${queueUrl} (${code || status})${detail}`, {
      hint: "The message cannot be sent as built; see the SQS error code.",
      cause: error,
      details,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
