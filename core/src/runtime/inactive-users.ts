import type { StateStore } from "../state/index.ts";
import { onePer } from "../util/one-per.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";

const checker = onePer((store: StateStore) =>
  createTickBatcher<string, boolean>(async (userIds) => {
    const inactive = await store.inactiveAmong(userIds);
    return userIds.map((id) => inactive.has(id));
  }),
);

/**
 * Whether a user no longer has an active connection (disconnected, deleted). Asked by every data
 * delivery, so the lookups of one event-loop turn share one query; the database is asked each time
 * (never a cache), because a deauth must stop deliveries the moment it is recorded.
 */
export function isUserInactive(store: StateStore, userId: string): Promise<boolean> {
  return checker(store)(userId);
}

/**
 * Whether a user's connection is known and disconnected (deauthorized, or replaced by a reconnect): asked
 * for the events that are not data (a paused user still gets those). One lookup per event; events are few.
 */
export async function isUserDisconnected(store: StateStore, userId: string): Promise<boolean> {
  const connection = await store.getConnection(userId);
  return connection !== undefined && !connection.active;
}

/** Whether a user withheld from deliveries is only paused (still connected): their large requests still get their count. */
export async function isUserPausedOnly(store: StateStore, userId: string): Promise<boolean> {
  const connection = await store.getConnection(userId);
  return connection?.active === true && connection.paused_at !== null;
}
