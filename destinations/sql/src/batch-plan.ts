import type { Delivery, DeliveryPayload } from "@tributary/core/contracts";
import { DATA_EVENT_TYPES, ErrorCodes, UserError, eventKey, payloadRecords, payloadUserId } from "@tributary/core/contracts";
import { storableJson } from "./json-text.ts";
import { isDataTableType, type DataTableType } from "./table-names.ts";
import { REPLACED_USER_STATE, stateAfterEvent, type UserState } from "./user-state.ts";

/** One row of the users table; null fields leave the stored value alone. */
export interface UserRow {
  userId: string;
  provider: string | null;
  referenceId: string | null;
  scopes: string | null;
  active: boolean | null;
  /** Ordering timestamp of the payload the profile fields come from. */
  orderingTs: number;
  /** Set by lifecycle events only. */
  state: UserState | null;
  /** Ordering timestamp of the event that set `state`; 0 when none did. */
  stateTs: number;
}

/** One record of a data table. */
export interface DataRow {
  userId: string;
  naturalKey: string;
  provider: string | null;
  startTime: Date | null;
  endTime: Date | null;
  /** The record as JSON text. */
  payload: string;
  traceId: string;
  orderingTs: number;
}

/** One lifecycle event (auth, deauth, …). */
export interface EventRow {
  userId: string;
  eventType: string;
  naturalKey: string;
  eventTime: Date;
  /** The whole event payload as JSON text. */
  payload: string;
  traceId: string;
}

export interface DataRows {
  type: DataTableType;
  rows: DataRow[];
}

/** What one batch writes, deduplicated by natural key and sorted so concurrent writers lock rows in the same order. */
export interface BatchPlan {
  users: UserRow[];
  data: DataRows[];
  events: EventRow[];
}

interface TerraUser {
  user_id?: unknown;
  provider?: unknown;
  reference_id?: unknown;
  scopes?: unknown;
  active?: unknown;
}

const stringOrNull = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

/** An indexable time, or null for a missing or bogus one (the payload keeps whatever the provider sent). */
function parseTime(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const time = new Date(value);
  const year = time.getUTCFullYear();
  return Number.isNaN(time.getTime()) || year < 1 || year > 9999 ? null : time;
}

function userRow(user: unknown, orderingTs: number, state: UserState | null): UserRow | undefined {
  const u = (user && typeof user === "object" ? user : {}) as TerraUser;
  const userId = stringOrNull(u.user_id);
  if (userId === null) return undefined;
  return {
    userId,
    provider: stringOrNull(u.provider),
    referenceId: stringOrNull(u.reference_id),
    scopes: stringOrNull(u.scopes),
    // A state change decides whether the connection is live; otherwise trust what the payload says.
    active: state !== null ? state === "active" : typeof u.active === "boolean" ? u.active : null,
    orderingTs,
    state,
    stateTs: state === null ? 0 : orderingTs,
  };
}

/** Profile fields from the newer row (keeping older values it lacks), state from the newer state change. */
function mergeUsers(a: UserRow, b: UserRow): UserRow {
  const [older, newer] = b.orderingTs >= a.orderingTs ? [a, b] : [b, a];
  const stateFrom = b.stateTs >= a.stateTs ? b : a;
  return {
    userId: a.userId,
    provider: newer.provider ?? older.provider,
    referenceId: newer.referenceId ?? older.referenceId,
    scopes: newer.scopes ?? older.scopes,
    active: newer.active ?? older.active,
    orderingTs: newer.orderingTs,
    state: stateFrom.state,
    stateTs: stateFrom.stateTs,
  };
}

function lifecycleUsers(payload: DeliveryPayload, orderingTs: number): UserRow[] {
  const state = stateAfterEvent(payload) ?? null;
  const rows = [userRow(payload.user ?? payload.new_user, orderingTs, state)];
  if (payload.type === "user_reauth") rows.push(userRow(payload.old_user, orderingTs, REPLACED_USER_STATE));
  return rows.filter((row): row is UserRow => row !== undefined);
}

const byString =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** Turn a batch of deliveries into the rows to write. Throws a UserError for a data payload without a user. */
export function planBatch(batch: readonly Delivery[]): BatchPlan {
  const users = new Map<string, UserRow>();
  const data = new Map<DataTableType, Map<string, DataRow>>();
  const events = new Map<string, EventRow>();

  const addUser = (row: UserRow) => {
    const existing = users.get(row.userId);
    users.set(row.userId, existing ? mergeUsers(existing, row) : row);
  };

  for (const delivery of batch) {
    const { payload, orderingTimestamp: orderingTs, traceId } = delivery;
    if (DATA_EVENT_TYPES.has(payload.type) && isDataTableType(payload.type)) {
      const userId = payloadUserId(payload);
      if (userId === undefined) {
        throw new UserError(ErrorCodes.DESTINATION_REJECTED, `a ${payload.type} payload has no user.user_id`, {
          hint: "Data payloads must carry the Terra user object; check the connector's mapping.",
          details: { traceId },
        });
      }
      const user = userRow(payload.user, orderingTs, null);
      if (user) addUser(user);
      const provider = user?.provider ?? null;
      const rows = data.get(payload.type) ?? new Map<string, DataRow>();
      data.set(payload.type, rows);
      for (const { record, key } of payloadRecords(payload)) {
        const id = `${key.userId}\u0000${key.key}`;
        const existing = rows.get(id);
        // Same rule as the database: the newer payload wins, a tie goes to the later one.
        if (existing && existing.orderingTs > orderingTs) continue;
        rows.set(id, {
          userId: key.userId,
          naturalKey: key.key,
          provider,
          startTime: parseTime(key.startTime),
          endTime: parseTime(key.endTime),
          payload: storableJson(record),
          traceId,
          orderingTs,
        });
      }
    } else {
      lifecycleUsers(payload, orderingTs).forEach(addUser);
      const key = eventKey(payload, orderingTs);
      const id = `${key.userId}\u0000${key.type}\u0000${key.key}`;
      if (!events.has(id)) {
        events.set(id, {
          userId: key.userId,
          eventType: payload.type,
          naturalKey: key.key,
          eventTime: new Date(orderingTs),
          payload: storableJson(payload),
          traceId,
        });
      }
    }
  }

  return {
    users: [...users.values()].sort(byString((u) => u.userId)),
    data: [...data.entries()]
      .map(([type, rows]) => ({ type, rows: [...rows.values()].sort(byString((r) => `${r.userId}\u0000${r.naturalKey}`)) }))
      .filter((group) => group.rows.length > 0)
      .sort(byString((group) => group.type)),
    events: [...events.values()].sort(byString((e) => `${e.userId}\u0000${e.eventType}\u0000${e.naturalKey}`)),
  };
}
