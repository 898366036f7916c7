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
  return checkpointOf(await cursors.getCursor<Partial<StreamCheckpoint>>(userId, checkpointKey(stream)));
}

/**
 * Only ever moves forward: a read of an older window never winds a poll's checkpoint back — nor does a
 * read that ends after a concurrent one that saw newer records (the row is compared and written locked).
 */
export async function advanceCheckpoint(cursors: CursorRepository, userId: string, stream: string, newestMs: number): Promise<boolean> {
  const isAhead = (current: number | undefined) => current === undefined || current < newestMs;
  // The common case (a poll that found nothing newer) needs no lock: a checkpoint never moves back.
  if (!isAhead(await readCheckpoint(cursors, userId, stream))) return false;
  let advanced = false;
  await cursors.updateCursor<Partial<StreamCheckpoint>>(userId, checkpointKey(stream), (stored) => {
    advanced = isAhead(checkpointOf(stored));
    return advanced ? ({ v: 1, newest: new Date(newestMs).toISOString() } satisfies StreamCheckpoint) : undefined;
  });
  return advanced;
}

function checkpointOf(stored: Partial<StreamCheckpoint> | undefined): number | undefined {
  if (stored?.v !== 1 || typeof stored.newest !== "string") return undefined;
  const ms = Date.parse(stored.newest);
  return Number.isFinite(ms) ? ms : undefined;
}
