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
