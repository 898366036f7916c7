export interface WebhookOptions {
  /** Where payloads are POSTed. */
  url: string;
  /** HMAC secret for the `terra-signature` header; the receiver verifies with the same value. */
  signingSecret: string;
  /** Per-request timeout: Terra gives receivers 8 s. @default 8000 */
  timeoutMs?: number;
  /** Extra static headers (e.g. a gateway key). */
  headers?: Record<string, string>;
  /** Payloads larger than this go out as an `s3_payload` pointer when `payloadStore` is set. @default 5242880 */
  maxPayloadBytes?: number;
  /** Instance name of an S3 destination that stores oversized payloads. */
  payloadStore?: string;
}

export const webhookOptionsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["url", "signingSecret"],
  properties: {
    url: { type: "string", pattern: "^https?://", description: "Receiver URL (http or https)." },
    signingSecret: { type: "string", minLength: 8, description: "Secret used to sign every POST (terra-signature)." },
    timeoutMs: { type: "integer", minimum: 100, maximum: 60000, default: 8000 },
    headers: { type: "object", additionalProperties: { type: "string" } },
    maxPayloadBytes: { type: "integer", minimum: 1024, default: 5242880 },
    payloadStore: { type: "string", description: "Name of an s3 destination for oversized payloads." },
  },
} as const;
