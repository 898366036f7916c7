import type { StateStore } from "../state/index.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";

const checkers = new WeakMap<StateStore, (userId: string) => Promise<boolean>>();

/**
 * Whether a user no longer has an active connection (disconnected, deleted). Asked by every data
 * delivery, so the lookups of one event-loop turn share one query; the database is asked each time
 * (never a cache), because a deauth must stop deliveries the moment it is recorded.
 */
export function isUserInactive(store: StateStore, userId: string): Promise<boolean> {
  let check = checkers.get(store);
  if (!check) {
    check = createTickBatcher<string, boolean>(async (userIds) => {
      const inactive = await store.inactiveAmong(userIds);
      return userIds.map((id) => inactive.has(id));
    });
    checkers.set(store, check);
  }
  return check(userId);
}
