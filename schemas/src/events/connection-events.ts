import { Type, type Static } from "@sinclair/typebox";
import { TerraUserSchema } from "../objects/terra-user.ts";
import { optionalNullable, ref } from "../typebox.ts";
import { defineEvent, eventUser } from "./define-event.ts";

// Lifecycle events about a connection that has already been made.

export const DeauthEventSchema = defineEvent("DeauthEvent", "deauth", {
  type: Type.Literal("deauth"),
  user: eventUser(),
  status: Type.Literal("success"),
  message: Type.String(),
});
export type DeauthEvent = Static<typeof DeauthEventSchema>;

/** The same provider account reconnected: `old_user` is deleted and replaced by `new_user`. */
export const UserReauthEventSchema = defineEvent("UserReauthEvent", "user-reauth", {
  type: Type.Literal("user_reauth"),
  new_user: ref(TerraUserSchema),
  old_user: optionalNullable(ref(TerraUserSchema)),
  status: Type.Literal("warning"),
  message: Type.String(),
  version: Type.Optional(Type.String()),
});
export type UserReauthEvent = Static<typeof UserReauthEventSchema>;

export const AccessRevokedEventSchema = defineEvent("AccessRevokedEvent", "access-revoked", {
  type: Type.Literal("access_revoked"),
  user: eventUser(),
  status: Type.Literal("warning"),
  message: Type.String(),
});
export type AccessRevokedEvent = Static<typeof AccessRevokedEventSchema>;

/** The provider answered 401/403/412; possibly transient, so prompt a reconnect before deleting data. */
export const ConnectionErrorEventSchema = defineEvent("ConnectionErrorEvent", "connection-error", {
  type: Type.Literal("connection_error"),
  user: eventUser(),
  status: Type.Literal("warning"),
  message: Type.String(),
});
export type ConnectionErrorEvent = Static<typeof ConnectionErrorEventSchema>;

/**
 * Tributary's own (Terra has none): a connection that normally sends data daily has sent none for
 * `stale_after_days` days — the watch is off the wrist, the app not synced, or the grant quietly broken.
 * Sent once per quiet spell; new data ends it.
 */
export const ConnectionStaleEventSchema = defineEvent("ConnectionStaleEvent", "connection-stale", {
  type: Type.Literal("connection_stale"),
  user: eventUser(),
  status: Type.Literal("warning"),
  message: Type.String(),
  /** The newest data point received, or null when none ever arrived. */
  last_data_at: optionalNullable(Type.String()),
  stale_after_days: Type.Integer({ minimum: 1 }),
});
export type ConnectionStaleEvent = Static<typeof ConnectionStaleEventSchema>;

/** Scopes changed; both lists are comma-separated and may be empty strings. */
export const PermissionChangeEventSchema = defineEvent("PermissionChangeEvent", "permission-change", {
  type: Type.Literal("permission_change"),
  user: eventUser(),
  status: Type.Literal("warning"),
  message: Type.String(),
  version: Type.String(),
  scopes_added: Type.String(),
  scopes_removed: Type.String(),
});
export type PermissionChangeEvent = Static<typeof PermissionChangeEventSchema>;

/** Legacy Google Fit warning: the account has no data source to read from. */
export const GoogleNoDatasourceEventSchema = defineEvent("GoogleNoDatasourceEvent", "google-no-datasource", {
  type: Type.Literal("google_no_datasource"),
  user: eventUser(),
  status: Type.Literal("warning"),
  message: Type.String(),
});
export type GoogleNoDatasourceEvent = Static<typeof GoogleNoDatasourceEventSchema>;
