import { encodeKeyPath } from "./presign-url.ts";

export interface ObjectLocation {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

/**
 * The plain HTTP(S) URL of an object, addressed the way the S3 client addresses it: path style when asked
 * (or when the bucket name has dots, which break TLS on bucket-in-hostname URLs), else bucket in the host.
 */
export function objectUrl(location: ObjectLocation, key: string): URL {
  const path = encodeKeyPath(key);
  const pathStyle = location.forcePathStyle === true || location.bucket.includes(".");
  if (location.endpoint) {
    const base = new URL(location.endpoint);
    const basePath = base.pathname.replace(/\/+$/, "");
    if (pathStyle) return new URL(`${base.protocol}//${base.host}${basePath}/${location.bucket}/${path}`);
    return new URL(`${base.protocol}//${location.bucket}.${base.host}${basePath}/${path}`);
  }
  const host = `s3.${location.region}.amazonaws.com`;
  return pathStyle ? new URL(`https://${host}/${location.bucket}/${path}`) : new URL(`https://${location.bucket}.${host}/${path}`);
}
