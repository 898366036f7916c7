import { awsError } from "@tributary/core/contracts";

/**
 * What an SQS failure means for the operator: refused credentials, a queue that does not exist (neither
 * retried), a message SQS will not take, or an outage worth retrying.
 */
export function sqsError(error: unknown, queueUrl: string): Error {
  return awsError(error, {
    service: "SQS",
    target: `queue ${queueUrl}`,
    item: "a message",
    details: { queueUrl },
    authCodes: ["InvalidSecurity", "KmsAccessDenied", "KMS.AccessDeniedException"],
    configCodes: [
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
    ],
    hints: {
      auth: "Check accessKeyId/secretAccessKey (or the instance role) and that the policy allows sqs:SendMessage and sqs:GetQueueAttributes on this queue (and kms:GenerateDataKey if it is encrypted).",
      config: "Check queueUrl, region and endpoint: the queue must exist in that account and region.",
      rejected: "The message cannot be sent as built; see the SQS error code.",
      unavailable: "Retried automatically; if it persists, check the endpoint and network path to SQS.",
    },
  });
}
