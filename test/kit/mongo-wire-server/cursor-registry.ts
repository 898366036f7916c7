import { Long } from "bson";
import { CommandError } from "./command-error.ts";
import { toNumber, type Doc } from "./values.ts";

// mongod's default first batch: 101 documents (or 16 MiB, which test data never reaches).
const DEFAULT_FIRST_BATCH = 101;

const positive = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : toNumber(v) > 0 ? toNumber(v) : undefined);

/** Open cursors of one server: the rest of a result set waiting for `getMore`. */
export class CursorRegistry {
  private nextId = 1;
  private readonly open = new Map<number, { ns: string; remaining: Doc[] }>();

  /** The reply of find/aggregate/list*: the first batch, and a cursor id when more remain. */
  firstBatch(ns: string, docs: Doc[], batchSize?: unknown, singleBatch = false): Doc {
    const size = positive(batchSize) ?? DEFAULT_FIRST_BATCH;
    const rest = singleBatch ? [] : docs.slice(size);
    let id = 0;
    if (rest.length > 0) {
      id = this.nextId++;
      this.open.set(id, { ns, remaining: rest });
    }
    return { cursor: { firstBatch: docs.slice(0, size), id: Long.fromNumber(id), ns }, ok: 1 };
  }

  getMore(cursorId: unknown, ns: string, batchSize?: unknown): Doc {
    const id = toNumber(cursorId);
    const cursor = this.open.get(id);
    if (!cursor) throw new CommandError(43, "CursorNotFound", `cursor id ${id} not found`);
    if (cursor.ns !== ns)
      throw new CommandError(13, "Unauthorized", `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    const size = positive(batchSize) ?? cursor.remaining.length;
    const batch = cursor.remaining.splice(0, size);
    const done = cursor.remaining.length === 0;
    if (done) this.open.delete(id);
    return { cursor: { nextBatch: batch, id: Long.fromNumber(done ? 0 : id), ns }, ok: 1 };
  }

  kill(cursorIds: unknown[]): Doc {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of cursorIds) {
      const id = toNumber(raw);
      (this.open.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    }
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }
}
