export interface ChunkLimits {
  /** Rows per statement: keeps PostgreSQL under its 65,535 bind parameters. */
  maxRows: number;
  /** Approximate bytes per statement: keeps MySQL under its max_allowed_packet (16 MiB by default). */
  maxBytes: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { maxRows: 500, maxBytes: 4 * 1024 * 1024 };

/** Split rows into statement-sized chunks; a single row larger than `maxBytes` gets a chunk of its own. */
export function chunkRows<T>(rows: readonly T[], sizeOf: (row: T) => number, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = sizeOf(row);
    if (current.length > 0 && (current.length >= limits.maxRows || bytes + size > limits.maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
