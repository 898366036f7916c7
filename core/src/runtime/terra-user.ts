import type { ConnectionInfo } from "../contracts/connector.ts";
import type { Connection } from "../state/index.ts";
import type { TerraUserObject } from "./envelope.ts";

/** A connection as the `user` object Terra puts in every payload. */
export function toTerraUser(row: Connection): TerraUserObject {
  return {
    user_id: row.user_id,
    provider: row.provider,
    reference_id: row.reference_id ?? null,
    scopes: row.scopes ?? null,
    active: row.active,
    created_at: row.created_at ?? null,
    last_webhook_update: row.last_webhook_update ?? null,
  };
}

/** What a connector is told about the connection it pulls or maps for. */
export function connectionInfo(row: Connection): ConnectionInfo {
  return { userId: row.user_id, provider: row.provider, referenceId: row.reference_id, providerUserId: row.provider_user_id ?? null };
}
