import { Type, type Static } from "@sinclair/typebox";
import { eventDocumentId } from "../ids.ts";
import { TerraUserSchema } from "../objects/terra-user.ts";
import { optionalNullable, ref, str } from "../typebox.ts";
import { JSON_SCHEMA_DIALECT } from "../version.ts";
import { defineEvent, eventUser } from "./define-event.ts";

/** A provider account was connected. */
export const AuthSuccessEventSchema = defineEvent("AuthSuccessEvent", "auth-success", {
  type: Type.Literal("auth"),
  status: Type.Literal("success"),
  user: eventUser(),
  message: str(),
  reference_id: str(),
  flow_id: str(),
  widget_session_id: str(),
  /** The payload version, as on data events. */
  version: str(),
});
export type AuthSuccessEvent = Static<typeof AuthSuccessEventSchema>;

/**
 * The failure arm Terra sent before `auth_cancelled` existed: same `type: "auth"`, `status: "error"`,
 * with a `reason` and a message such as "User failed to authenticate and has been deleted".
 */
export const AuthLegacyErrorEventSchema = defineEvent("AuthLegacyErrorEvent", "auth-legacy-error", {
  type: Type.Literal("auth"),
  status: Type.Literal("error"),
  reason: Type.String(),
  message: Type.String(),
  user: optionalNullable(ref(TerraUserSchema)),
  reference_id: str(),
  widget_session_id: str(),
});
export type AuthLegacyErrorEvent = Static<typeof AuthLegacyErrorEventSchema>;

export type AuthEvent = AuthSuccessEvent | AuthLegacyErrorEvent;

/**
 * Everything with `type: "auth"`. `status` picks the arm through if/then/else rather than anyOf, so a
 * broken payload is reported against the one arm it was meant to be instead of both.
 */
export const AuthEventSchema = Type.Unsafe<AuthEvent>({
  $schema: JSON_SCHEMA_DIALECT,
  $id: eventDocumentId("auth"),
  title: "AuthEvent",
  type: "object",
  properties: {
    type: { type: "string", const: "auth" },
    status: { type: "string" },
  },
  required: ["type", "status"],
  if: { properties: { status: { const: "error" } }, required: ["status"] },
  then: { $ref: AuthLegacyErrorEventSchema.$id },
  else: { $ref: AuthSuccessEventSchema.$id },
});

/** The 2026 failure arm: the user abandoned or was refused the connection; carries no user. */
export const AuthCancelledEventSchema = defineEvent("AuthErrorEvent", "auth-cancelled", {
  type: Type.Literal("auth_cancelled"),
  status: Type.Literal("error"),
  flow_id: str(),
  reason: str(),
  reference_id: str(),
});
export type AuthCancelledEvent = Static<typeof AuthCancelledEventSchema>;
