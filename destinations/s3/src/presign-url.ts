import { createHash, createHmac } from "node:crypto";

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PresignInput {
  /** The object's URL (path already percent-encoded per segment, see `encodeKeyPath`). */
  url: URL;
  region: string;
  credentials: SigningCredentials;
  /** Seconds the URL stays valid: at most 604800 (7 days) for SigV4. */
  expiresIn: number;
  /** Signing time. @default now */
  now?: Date;
}

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-_.~` is percent-encoded. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An object key as a URL path: each segment encoded, the slashes kept (S3 encodes key paths once). */
export function encodeKeyPath(key: string): string {
  return key.split("/").map(uriEncode).join("/");
}

const sha256Hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/**
 * A pre-signed GET URL (AWS Signature Version 4, query-string form), so a consumer can fetch one object
 * without credentials until it expires. Written here rather than taken from @aws-sdk/s3-request-presigner,
 * which is not a dependency; the algorithm is checked against AWS's published example in the tests.
 */
export function presignGetUrl(input: PresignInput): string {
  const now = input.now ?? new Date();
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const query: Array<[string, string]> = [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${input.credentials.accessKeyId}/${scope}`],
    ["X-Amz-Date", amzDate],
    ["X-Amz-Expires", String(input.expiresIn)],
    ...(input.credentials.sessionToken ? ([["X-Amz-Security-Token", input.credentials.sessionToken]] as Array<[string, string]>) : []),
    ["X-Amz-SignedHeaders", "host"],
  ];
  const canonicalQuery = query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = ["GET", input.url.pathname, canonicalQuery, `host:${input.url.host}`, "", "host", "UNSIGNED-PAYLOAD"].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${input.credentials.secretAccessKey}`, day), input.region), "s3"), "aws4_request");
  const signature = createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex");
  return `${input.url.origin}${input.url.pathname}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
