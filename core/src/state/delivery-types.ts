/**
 * `withheld`: a data payload not sent because its user disconnected (deauth) or was paused before it could be
 *   delivered (a chunk a large request counted then goes without its records, so the app's count closes).
 * `superseded`: a merged record (parts of a day) not sent because a newer version of it was published.
 */
export type DeliveryStatus = "delivered" | "failed" | "dead" | "withheld" | "superseded";

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ["delivered", "failed", "dead", "withheld", "superseded"];

export interface RecordDeliveryInput {
  /** The event's X-Terra-Trace-Id-style id; with `destination` it identifies the row. */
  traceId: string;
  destination: string;
  eventType: string;
  userId?: string | null;
  /** terra-reference of the request that produced the event, if any. */
  reference?: string | null;
  status: DeliveryStatus;
  attempts: number;
  error?: string | null;
}

export interface Delivery {
  id: number;
  trace_id: string;
  destination: string;
  event_type: string;
  user_id: string | null;
  reference: string | null;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface ListDeliveriesFilter {
  traceId?: string;
  destination?: string;
  status?: DeliveryStatus;
  userId?: string;
  /** @default 100, at most 1000 */
  limit?: number;
}
