/** SendMessageBatch takes at most ten entries. */
export const MAX_BATCH_ENTRIES = 10;

/**
 * Splits messages, in order, into SendMessageBatch calls of at most ten entries and at most `maxBytes` in
 * total. Every message is expected to fit on its own (oversized ones were turned into pointers before).
 */
export function planBatches<T extends { bytes: number }>(messages: readonly T[], maxBytes: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const message of messages) {
    if (current.length > 0 && (current.length === MAX_BATCH_ENTRIES || size + message.bytes > maxBytes)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += message.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
