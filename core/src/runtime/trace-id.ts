import { createHash, randomUUID } from "node:crypto";

/**
 * A trace id derived from what produced the payload (job id, data type, chunk), so a retried pull job
 * emits the same ids again and receivers can drop the duplicates.
 */
export function deterministicTraceId(...parts: Array<string | number>): string {
  const hex = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  // Shaped as a UUID (version nibble 5-like) because receivers often store trace ids in uuid columns.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const newTraceId = (): string => randomUUID();
