/** Firestore's limit on writes in one commit (batch or transaction). */
export const MAX_WRITES_PER_COMMIT = 500;
/** Kept under Firestore's 10 MiB request limit, with room for encoding overhead. */
export const MAX_BYTES_PER_COMMIT = 8 * 1024 * 1024;

/** Splits documents, in order, into commits of at most 500 writes and about 8 MiB of data. */
export function commitChunks<T extends { data: unknown }>(documents: readonly T[], maxBytes = MAX_BYTES_PER_COMMIT): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const document of documents) {
    const size = Buffer.byteLength(JSON.stringify(document.data));
    if (current.length > 0 && (current.length === MAX_WRITES_PER_COMMIT || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(document);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
