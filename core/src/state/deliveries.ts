import type { Database } from "./database.ts";
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus, type ListDeliveriesFilter, type RecordDeliveryInput } from "./delivery-types.ts";
import { invalidArgument, returnedRow } from "./state-errors.ts";
import { createSqlFilter } from "./sql-filter.ts";
import { assertNonEmpty, assertUuid, errorText, limitParam, toId, toIso, toIsoOrNull } from "./sql-values.ts";

export interface DeliveryRepository {
  /** Upsert on (traceId, destination): recording the same outcome twice leaves one row. */
  recordDelivery(input: RecordDeliveryInput): Promise<Delivery>;
  /** The same upsert for many outcomes in one statement (the hot path records outcomes in batches). */
  recordDeliveries(inputs: readonly RecordDeliveryInput[]): Promise<void>;
  /** Newest first. */
  listDeliveries(filter?: ListDeliveriesFilter): Promise<Delivery[]>;
  /**
   * Deletes up to `limit` rows of deliveries made and last changed before `before` (delivered, dead,
   * withheld, superseded, and the "failed" rows of earlier versions), oldest first; resolves with how many went. One batch per call,
   * so a large table is pruned in short statements rather than one long one.
   */
  pruneDeliveries(filter: { before: Date; limit: number }): Promise<number>;
}

const COLUMNS = `id, trace_id, destination, event_type, user_id, reference, status, attempts, error,
  created_at, updated_at, delivered_at`;

const CONFLICT_UPDATE = `
  ON CONFLICT (trace_id, destination) DO UPDATE SET
    event_type = EXCLUDED.event_type,
    user_id = COALESCE(EXCLUDED.user_id, deliveries.user_id),
    reference = COALESCE(EXCLUDED.reference, deliveries.reference),
    status = CASE WHEN deliveries.status = 'delivered' THEN deliveries.status ELSE EXCLUDED.status END,
    error = CASE WHEN deliveries.status = 'delivered' THEN deliveries.error ELSE EXCLUDED.error END,
    attempts = GREATEST(deliveries.attempts, EXCLUDED.attempts),
    delivered_at = COALESCE(deliveries.delivered_at, EXCLUDED.delivered_at),
    updated_at = now()`;

// "delivered" is sticky: with at-least-once queues a job can run again after it succeeded, and a later
// failure of that duplicate does not undo the fact that the destination got the event.
const UPSERT = `
  INSERT INTO deliveries (trace_id, destination, event_type, user_id, reference, status, attempts, error, delivered_at)
  VALUES ($1, $2, $3, $4, $5, $6::text, $7, $8, CASE WHEN $6::text = 'delivered' THEN now() END)
  ${CONFLICT_UPDATE}
  RETURNING ${COLUMNS}`;

/**
 * Rows pruned once made and last changed before the keeping time: those that say how a delivery ended, and
 * "failed" ones, which only earlier versions wrote (an attempt failed; each retry wrote the row again). The
 * keeping time is never shorter than a delivery can still run, so a "failed" row unchanged that long is of
 * a delivery that is over without its end recorded: nothing reads it (a re-run looks for "delivered").
 */
const PRUNED_STATUSES = ["delivered", "dead", "withheld", "superseded", "failed"] as const satisfies readonly DeliveryStatus[];

function assertStatus(status: string): DeliveryStatus {
  if (!(DELIVERY_STATUSES as readonly string[]).includes(status)) {
    throw invalidArgument(`status must be one of ${DELIVERY_STATUSES.join(", ")}, got ${JSON.stringify(status)}`);
  }
  return status as DeliveryStatus;
}

function deliveryParams(input: RecordDeliveryInput): unknown[] {
  if (!Number.isInteger(input.attempts) || input.attempts < 0) {
    throw invalidArgument(`attempts must be a non-negative integer, got ${String(input.attempts)}`);
  }
  return [
    assertNonEmpty(input.traceId, "traceId"),
    assertNonEmpty(input.destination, "destination"),
    assertNonEmpty(input.eventType, "eventType"),
    input.userId == null ? null : assertUuid(input.userId, "userId"),
    input.reference ?? null,
    assertStatus(input.status),
    input.attempts,
    errorText(input.error),
  ];
}

/** One row per (trace, destination): PostgreSQL refuses to update the same row twice in one statement. */
function lastPerKey(inputs: readonly RecordDeliveryInput[]): RecordDeliveryInput[] {
  const byKey = new Map<string, RecordDeliveryInput>();
  for (const input of inputs) {
    const key = `${input.traceId}\u0000${input.destination}`;
    const earlier = byKey.get(key);
    byKey.set(key, earlier?.status === "delivered" ? earlier : input);
  }
  return [...byKey.values()];
}

export function createDeliveryRepository(db: Database): DeliveryRepository {
  return {
    async recordDelivery(input) {
      const { rows } = await db.query<Record<string, unknown>>(UPSERT, deliveryParams(input));
      return toDelivery(returnedRow(rows));
    },

    async recordDeliveries(inputs) {
      const rows = lastPerKey(inputs);
      if (rows.length === 0) return;
      const params: unknown[] = [];
      const values = rows.map((input) => {
        const base = params.length;
        params.push(...deliveryParams(input));
        const p = (i: number) => `$${base + i}`;
        return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::text, ${p(7)}, ${p(8)}, CASE WHEN ${p(6)}::text = 'delivered' THEN now() END)`;
      });
      await db.query(
        `INSERT INTO deliveries (trace_id, destination, event_type, user_id, reference, status, attempts, error, delivered_at)
         VALUES ${values.join(", ")} ${CONFLICT_UPDATE}`,
        params,
      );
    },

    async listDeliveries(filter = {}) {
      const sql = createSqlFilter();
      if (filter.traceId !== undefined) sql.add(`trace_id = ${sql.bind(filter.traceId)}`);
      if (filter.destination !== undefined) sql.add(`destination = ${sql.bind(filter.destination)}`);
      if (filter.status !== undefined) sql.add(`status = ${sql.bind(assertStatus(filter.status))}`);
      if (filter.userId !== undefined) sql.add(`user_id = ${sql.bind(assertUuid(filter.userId, "userId"))}`);
      const limit = sql.bind(limitParam(filter.limit));
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM deliveries ${sql.where()} ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
        sql.params,
      );
      return rows.map(toDelivery);
    },

    async pruneDeliveries({ before, limit }) {
      if (!Number.isInteger(limit) || limit < 1) throw invalidArgument(`limit must be a positive integer, got ${String(limit)}`);
      // Oldest first along deliveries_created_at_idx; the row must also be unchanged since (a replayed dead letter stays).
      const { rows } = await db.query<{ n: number }>(
        `WITH pruned AS (
           DELETE FROM deliveries WHERE id IN (
             SELECT id FROM deliveries
             WHERE created_at < $1 AND updated_at < $1 AND status = ANY($2::text[])
             ORDER BY created_at, id LIMIT $3
           ) RETURNING 1
         ) SELECT count(*)::int AS n FROM pruned`,
        [before.toISOString(), PRUNED_STATUSES, limit],
      );
      return rows[0]?.n ?? 0;
    },
  };
}

function toDelivery(row: Record<string, unknown>): Delivery {
  return {
    id: toId(row.id),
    trace_id: String(row.trace_id),
    destination: String(row.destination),
    event_type: String(row.event_type),
    user_id: (row.user_id as string | null) ?? null,
    reference: (row.reference as string | null) ?? null,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    error: (row.error as string | null) ?? null,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
    delivered_at: toIsoOrNull(row.delivered_at),
  };
}
