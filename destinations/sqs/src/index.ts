import { defineDestination } from "@tributary/core/contracts";
import { sqsOptionsSchema, type SqsOptions } from "./options.ts";
import { createSqsDestination } from "./sqs-destination.ts";

export type { SqsOptions };
export { DEFAULT_MAX_INLINE_BYTES } from "./options.ts";
export { createSqsDestination, regionFromQueueUrl } from "./sqs-destination.ts";

/**
 * One SQS message per payload, attributes `type`, `user_id`, `provider`, `trace_id`, `ordering_timestamp`
 * (and `reference`); payloads over the size limit become `s3_payload` pointers via an s3 destination.
 * FIFO queues get the user id as message group and the trace id as deduplication id.
 */
export default defineDestination<SqsOptions>({
  name: "sqs",
  optionsSchema: sqsOptionsSchema,
  secretOptions: ["secretAccessKey"],
  create: createSqsDestination,
});
