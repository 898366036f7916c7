export interface S3Options {
  /** Bucket the objects go to; it must exist (Tributary never creates buckets). */
  bucket: string;
  /** Bucket region. @default AWS_REGION, else "us-east-1" */
  region?: string;
  /** An S3-compatible endpoint (MinIO, R2, Ceph, an emulator): `https://host[:port]`. @default AWS S3 */
  endpoint?: string;
  /** Address buckets as `endpoint/bucket/key` instead of `bucket.endpoint/key` (most self-hosted stores). @default false */
  forcePathStyle?: boolean;
  /** Static credentials; without them the AWS SDK's default chain (env, profile, instance role) is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Folder prepended to every key, e.g. "terra/" → `terra/2022-03-16/activity/…`. @default "" */
  prefix?: string;
  /** Store objects gzip-compressed: key suffix `.json.gz`, `Content-Encoding: gzip`. @default false */
  gzip?: boolean;
}

export const s3OptionsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["bucket"],
  properties: {
    bucket: { type: "string", minLength: 3, maxLength: 63, pattern: "^[a-z0-9][a-z0-9.-]*[a-z0-9]$", description: "Existing bucket name." },
    region: { type: "string", minLength: 1, description: "Bucket region, e.g. eu-west-1." },
    endpoint: { type: "string", pattern: "^https?://", description: "S3-compatible endpoint URL." },
    forcePathStyle: { type: "boolean", default: false },
    accessKeyId: { type: "string", minLength: 1 },
    secretAccessKey: { type: "string", minLength: 1 },
    prefix: { type: "string", default: "", description: "Key prefix (folder) for every object." },
    gzip: { type: "boolean", default: false },
  },
  dependentRequired: { accessKeyId: ["secretAccessKey"], secretAccessKey: ["accessKeyId"] },
} as const;
