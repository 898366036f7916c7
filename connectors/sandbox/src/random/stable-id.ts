import { createHash } from "node:crypto";

const NAMESPACE = "tributary-sandbox";

/**
 * A UUID-shaped id derived from stable parts (SHA-1, formatted like an RFC 4122 version-5 UUID), so a
 * regenerated record keeps its `summary_id` and downstream upserts overwrite instead of duplicating.
 */
export function stableUuid(...parts: ReadonlyArray<string | number>): string {
  const hex = createHash("sha1")
    .update([NAMESPACE, ...parts].join("|"))
    .digest("hex");
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A short opaque id in the sandbox provider's own style, e.g. "sbx_3f9c2a81d0". */
export function stableShortId(prefix: string, ...parts: ReadonlyArray<string | number>): string {
  const hex = createHash("sha1")
    .update([NAMESPACE, prefix, ...parts].join("|"))
    .digest("hex");
  return `${prefix}_${hex.slice(0, 10)}`;
}
