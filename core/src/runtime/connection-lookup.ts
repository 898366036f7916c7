import type { Connection, StateStore } from "../state/index.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";

const lookups = new WeakMap<StateStore, (userId: string) => Promise<Connection | undefined>>();

/**
 * A user's connection, read from the state store each time (never cached: a deauth must count at once).
 * Every push notification asks this first, so the lookups of one event-loop turn share one query.
 */
export function loadConnection(store: StateStore, userId: string): Promise<Connection | undefined> {
  let lookup = lookups.get(store);
  if (!lookup) {
    lookup = createTickBatcher<string, Connection | undefined>(async (userIds) => {
      const found = await store.getConnections(userIds);
      return userIds.map((id) => found.get(id));
    });
    lookups.set(store, lookup);
  }
  return lookup(userId);
}
