import type { CursorRepository } from "../state/cursors.ts";

/**
 * A stream's checkpoint in the state store's cursors table, one row per connection and stream: the
 * newest record time a completed read saw. The row's key is `stream:<name>` (stream names are unique in
 * a connector), apart from the data-type cursors of hand-written connectors.
 */
export interface StreamCheckpoint {
  v: 1;
  /** ISO-8601 instant. */
  newest: string;
}

export const checkpointKey = (stream: string): string => `stream:${stream}`;

export async function readCheckpoint(cursors: CursorRepository, userId: string, stream: string): Promise<number | undefined> {
  const stored = await cursors.getCursor<Partial<StreamCheckpoint>>(userId, checkpointKey(stream));
  if (stored?.v !== 1 || typeof stored.newest !== "string") return undefined;
  const ms = Date.parse(stored.newest);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Only ever moves forward: a read of an older window never winds a poll's checkpoint back. */
export async function advanceCheckpoint(cursors: CursorRepository, userId: string, stream: string, newestMs: number): Promise<boolean> {
  const current = await readCheckpoint(cursors, userId, stream);
  if (current !== undefined && current >= newestMs) return false;
  await cursors.setCursor(userId, checkpointKey(stream), { v: 1, newest: new Date(newestMs).toISOString() } satisfies StreamCheckpoint);
  return true;
}
