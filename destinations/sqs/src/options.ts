/** SQS's classic message size limit; larger payloads go out as `s3_payload` pointers. */
export const DEFAULT_MAX_INLINE_BYTES = 256 * 1024;

export interface SqsOptions {
  /** `https://sqs.<region>.amazonaws.com/<account>/<name>`; a name ending in `.fifo` makes it a FIFO queue. */
  queueUrl: string;
  /** Queue region. @default the region in queueUrl, else AWS_REGION, else "us-east-1" */
  region?: string;
  /** An SQS-compatible endpoint (ElasticMQ, an emulator). @default AWS SQS */
  endpoint?: string;
  /** Static credentials; without them the AWS SDK's default chain (env, profile, instance role) is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Instance name of an s3 destination that stores payloads too large to send inline. */
  payloadStore?: string;
  /**
   * Largest message (body + attributes) sent inline, and largest SendMessageBatch; bigger payloads become
   * `s3_payload` pointers. @default 262144 (256 KiB)
   */
  maxInlineBytes?: number;
}

export const sqsOptionsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["queueUrl"],
  properties: {
    queueUrl: { type: "string", pattern: "^https?://", description: "Queue URL; a .fifo name makes it FIFO." },
    region: { type: "string", minLength: 1 },
    endpoint: { type: "string", pattern: "^https?://", description: "SQS-compatible endpoint URL." },
    accessKeyId: { type: "string", minLength: 1 },
    secretAccessKey: { type: "string", minLength: 1 },
    payloadStore: { type: "string", minLength: 1, description: "Name of an s3 destination for oversized payloads." },
    maxInlineBytes: { type: "integer", minimum: 1024, maximum: 1048576, default: DEFAULT_MAX_INLINE_BYTES },
  },
  dependentRequired: { accessKeyId: ["secretAccessKey"], secretAccessKey: ["accessKeyId"] },
} as const;
