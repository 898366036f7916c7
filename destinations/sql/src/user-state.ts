import type { DeliveryPayload } from "@tributary/core/contracts";

/** Lifecycle of a user as the users table records it (Terra's own tables use the same words). */
export type UserState = "active" | "deauth" | "revoked" | "connection_error" | "auth_failed" | "user_reauth";

/**
 * The state a lifecycle event puts its user in, or undefined when it says nothing about the connection
 * (permission_change, large_request_*, rate_limit_hit, …).
 */
export function stateAfterEvent(payload: DeliveryPayload): UserState | undefined {
  switch (payload.type) {
    case "auth":
      // The legacy failure form of auth carries the user that Terra then deleted.
      return payload.status === "error" ? "auth_failed" : "active";
    case "user_reauth":
      return "active";
    case "deauth":
      return "deauth";
    case "access_revoked":
      return "revoked";
    case "connection_error":
      return "connection_error";
    default:
      return undefined;
  }
}

/** user_reauth swaps ids: the old user id stops receiving data. */
export const REPLACED_USER_STATE: UserState = "user_reauth";
