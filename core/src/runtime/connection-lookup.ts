import type { Connection, StateStore } from "../state/index.ts";
import { onePer } from "../util/one-per.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";

const lookup = onePer((store: StateStore) =>
  createTickBatcher<string, Connection | undefined>(async (userIds) => {
    const found = await store.getConnections(userIds);
    return userIds.map((id) => found.get(id));
  }),
);

/**
 * A user's connection, read from the state store each time (never cached: a deauth must count at once).
 * Every push notification asks this first, so the lookups of one event-loop turn share one query.
 */
export function loadConnection(store: StateStore, userId: string): Promise<Connection | undefined> {
  return lookup(store)(userId);
}
