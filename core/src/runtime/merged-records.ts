import type { DataType } from "@tributary/schemas";
import type { StandardRecord } from "../contracts/data-types.ts";
import type { Connection } from "../state/index.ts";
import { enqueueDeliveries, storePayload } from "./emit-payload.ts";
import { serializedDataPayload } from "./envelope.ts";
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
  publish(ctx: RuntimeContext): Promise<MergedPublished>;
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
    async publish(ctx) {
      const entries = [...noted.values()];
      noted = new Map();
      const records: StandardRecord[] = [];
      for (const { user, dataType, key, how } of entries) {
        const record = await publishMergedRecord(ctx, user, dataType, key, how);
        if (record) records.push(record);
      }
      return { records };
    },
  };
}

/**
 * One merged record as its parts are now, in a payload of its own marked with their version: claimed first,
 * so it goes out with an ordering timestamp after every earlier version's — or not at all when a newer
 * version is already out — and its trace id is named after the version, so publishing the same version
 * again (a retried job, two jobs that changed the record together) is one delivery.
 */
async function publishMergedRecord(
  ctx: RuntimeContext,
  user: Connection,
  dataType: DataType,
  key: string,
  how: MergedPublication,
): Promise<StandardRecord | undefined> {
  const kept = await ctx.store.readRecordParts(user.user_id, dataType, key);
  if (!kept) return undefined; // the connection went inactive meanwhile: its parts are gone with it
  const merged = { dataType, key, version: kept.version };
  const orderingTimestamp = await claimPublication(ctx, user.user_id, merged);
  if (orderingTimestamp === undefined) return undefined;
  const record = foldRecordParts(kept.parts);
  const body = serializedDataPayload(dataType, toTerraUser(user), [JSON.stringify(record)]);
  const stored = await storePayload(
    ctx,
    { type: dataType, userId: user.user_id, body },
    {
      traceId: deterministicTraceId(user.user_id, dataType, key, kept.version),
      priority: how.priority,
      developer: user.developer_id,
      orderingTimestamp,
      merged,
      ...(how.reference !== undefined ? { reference: how.reference } : {}),
    },
  );
  await enqueueDeliveries(ctx, stored);
  return record;
}
