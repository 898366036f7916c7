import { awsError } from "@tributary/core/contracts";

/**
 * What an S3 failure means for the operator: bad credentials or permissions, a bucket or region that is
 * wrong (neither retried), an object S3 refuses, or an outage worth retrying.
 */
export function s3Error(error: unknown, bucket: string): Error {
  return awsError(error, {
    service: "S3",
    target: `bucket "${bucket}"`,
    item: "an object",
    details: { bucket },
    authCodes: ["TokenRefreshRequired", "AccountProblem", "AllAccessDisabled"],
    configCodes: [
      "NoSuchBucket",
      "NotFound",
      "PermanentRedirect",
      "AuthorizationHeaderMalformed",
      "IllegalLocationConstraintException",
      "InvalidBucketName",
      "InvalidBucketState",
    ],
    // 301: the bucket lives in another region; 404: it does not exist (HEAD answers carry no code).
    configStatuses: [301, 404],
    rejectedCodes: ["EntityTooLarge", "InvalidArgument", "InvalidRequest", "KeyTooLongError", "MetadataTooLarge"],
    hints: {
      auth: "Check accessKeyId/secretAccessKey (or the instance role) and that the policy allows s3:PutObject, GetObject, ListBucket and DeleteObject on this bucket.",
      config: "Check that the bucket exists, and that region, endpoint and forcePathStyle match where it lives.",
      rejected: "The payload cannot be stored as sent; see the S3 error code.",
      unavailable: "Retried automatically; if it persists, check the endpoint and network path to S3.",
    },
  });
}
