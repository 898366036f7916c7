import { toTerraUser } from "../runtime/terra-user.ts";
import type { Connection } from "../state/index.ts";

/** A connection as userInfo reports it: Terra's user object plus polling bookkeeping and our pause state. */
export function userInfoOf(connection: Connection) {
  return {
    ...toTerraUser(connection),
    last_polled_at: connection.last_polled_at,
    most_recent_data_at: connection.most_recent_data_at,
    paused_at: connection.paused_at,
  };
}
