import { terraTimestamp } from "@tributary/schemas";
import type { ConnectionInfo } from "../contracts/connector.ts";
import type { Connection } from "../state/index.ts";
import type { TerraUserObject } from "./envelope.ts";

/**
 * A connection as the `user` object Terra puts in every payload. Its times are written as Terra writes
 * them (microseconds, `+00:00` rather than `Z`): receivers parse them with the same code as Terra's, and
 * some ISO parsers (Python's before 3.11) refuse a `Z`.
 */
export function toTerraUser(row: Connection): TerraUserObject {
  return {
    user_id: row.user_id,
    provider: row.provider,
    reference_id: row.reference_id ?? null,
    scopes: row.scopes ?? null,
    active: row.active,
    created_at: terraUtc(row.created_at),
    last_webhook_update: terraUtc(row.last_webhook_update),
  };
}

/** An instant (ISO text as the state store gives it) in Terra's UTC form, e.g. 2024-10-07T03:45:00.000000+00:00. */
export function terraUtc(iso: string | null | undefined): string | null {
  if (iso === null || iso === undefined) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : terraTimestamp(ms, 0);
}

/** What a connector is told about the connection it pulls or maps for. */
export function connectionInfo(row: Connection): ConnectionInfo {
  return { userId: row.user_id, provider: row.provider, referenceId: row.reference_id, providerUserId: row.provider_user_id ?? null };
}
