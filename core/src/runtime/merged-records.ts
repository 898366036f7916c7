import type { DataType } from "@tributary/schemas";
import type { StandardRecord } from "../contracts/data-types.ts";
import type { MergedRecordRef } from "../queue/topology.ts";
import type { Connection } from "../state/index.ts";
import { enqueueDeliveries, storePayload, type StoredPayload } from "./emit-payload.ts";
import { serializedDataPayload, type TerraUserObject } from "./envelope.ts";
import { claimPublication } from "./merged-record-versions.ts";
import { foldRecordParts } from "./record-parts.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

/** How a merged record is published: the priority and on-demand reference of the work that changed it. */
export interface MergedPublication {
  priority: number;
  reference?: string;
}

export interface MergedPublished {
  /** Merged records published (one payload each). */
  records: StandardRecord[];
  /** With `hold`: their payloads, stored and claimed but not yet delivered. */
  held: StoredPayload[];
}

export interface MergedPublishOptions {
  /**
   * Store and claim each payload, and hand it back instead of delivering it: a large request delivers its
   * merged records as chunks, after the announcement that counts them. Their trace ids are named after the
   * request's reference, so a re-run of the request is one delivery and another publication of the same
   * version (a push's) does not swallow a chunk the announcement counted.
   */
  hold?: boolean;
  /** The earliest ordering timestamp each claim may take (a large request's: after its announcement). */
  notBefore?: () => number;
}

/**
 * The merged records (days in parts) whose parts a piece of work changed, to publish once it has stored
 * them all: the notifications of one ingest job (a push of 96 epochs and the summary of a day) publish the
 * day once, with every part, instead of once per notification.
 */
export interface MergedRecordBatch {
  note(user: Connection, dataType: DataType, keys: Iterable<string>, how: MergedPublication): void;
  readonly size: number;
  /** Publishes each noted record once, as its parts are now, and forgets them. */
  publish(ctx: RuntimeContext, options?: MergedPublishOptions): Promise<MergedPublished>;
}

export function createMergedRecordBatch(): MergedRecordBatch {
  let noted = new Map<string, { user: Connection; dataType: DataType; key: string; how: MergedPublication }>();
  return {
    note(user, dataType, keys, how) {
      for (const key of keys) noted.set(JSON.stringify([user.user_id, dataType, key]), { user, dataType, key, how });
    },
    get size() {
      return noted.size;
    },
    async publish(ctx, options = {}) {
      const entries = [...noted.values()];
      noted = new Map();
      const records: StandardRecord[] = [];
      const held: StoredPayload[] = [];
      for (const { user, dataType, key, how } of entries) {
        const published = await storeMergedRecord(ctx, user, dataType, key, how, options);
        if (!published) continue;
        records.push(published.record);
        if (options.hold) held.push(published.stored);
        else await enqueueDeliveries(ctx, published.stored);
      }
      return { records, held };
    },
  };
}

/**
 * One merged record as its parts are now, in a payload of its own marked with their version: claimed first,
 * so it goes out with an ordering timestamp after every earlier version's — or not at all when a newer
 * version is already out — and its trace id is named after the version, so publishing the same version
 * again (a retried job, two jobs that changed the record together) is one delivery.
 */
async function storeMergedRecord(
  ctx: RuntimeContext,
  user: Connection,
  dataType: DataType,
  key: string,
  how: MergedPublication,
  options: MergedPublishOptions,
): Promise<{ record: StandardRecord; stored: StoredPayload } | undefined> {
  const current = await currentMergedRecord(ctx, user.user_id, dataType, key, toTerraUser(user));
  if (!current) return undefined; // the connection went inactive meanwhile: its parts are gone with it
  const { merged, record, body } = current;
  const orderingTimestamp = await claimPublication(ctx, user.user_id, merged, options.notBefore?.());
  if (orderingTimestamp === undefined) return undefined;
  const seed = options.hold && how.reference !== undefined ? how.reference : user.user_id;
  const stored = await storePayload(
    ctx,
    { type: dataType, userId: user.user_id, body, records: 1 },
    {
      traceId: deterministicTraceId(seed, dataType, key, merged.version),
      priority: how.priority,
      developer: user.developer_id,
      orderingTimestamp,
      merged,
      // Held for a large request's announcement, which counts it.
      ...(options.hold ? { counted: true } : {}),
      ...(how.reference !== undefined ? { reference: how.reference } : {}),
    },
  );
  return { record, stored };
}

/**
 * A merged record as its kept parts are now: the record, its payload (alone, with `user`) and its version;
 * undefined when no part is kept (the connection went inactive, or they were pruned).
 */
export async function currentMergedRecord(
  ctx: Pick<RuntimeContext, "store">,
  userId: string,
  dataType: string,
  key: string,
  user: TerraUserObject,
): Promise<{ merged: MergedRecordRef; record: StandardRecord; body: string } | undefined> {
  const kept = await ctx.store.readRecordParts(userId, dataType, key);
  if (!kept) return undefined;
  const record = foldRecordParts(kept.parts);
  return { merged: { dataType, key, version: kept.version }, record, body: serializedDataPayload(dataType, user, [JSON.stringify(record)]) };
}
