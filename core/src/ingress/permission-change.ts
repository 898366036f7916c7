import type { WebhookEventAction } from "@tributary/schemas";
import { compilePointer } from "../spec/pointer.ts";
import { notificationInstant } from "../runtime/notification-window.ts";

export type PermissionsAction = Extract<WebhookEventAction, { action: "permissions" }>;

/** What a `permissions` notification says: the scopes granted now and when they were changed. */
export interface PermissionChange {
  /** In the provider's order, each once. */
  scopes: string[];
  /** Unix ms: the provider's time of the change, never later than the push arrived; the arrival without one. */
  changedAt: number;
}

/** Providers have tens of scopes (Garmin a handful): a list far longer is not one. */
export const MAX_SCOPES = 100;
/** Scope names are short words (`HEALTH_EXPORT`, `heartrate`). */
export const MAX_SCOPE_LENGTH = 128;

/**
 * The scopes a `permissions` notification grants, or why it can never be read: not a list, or an item
 * that is not a scope name — empty, too long, or with a comma, which Terra's comma-separated `scopes`
 * could not carry. The ingress refuses such a notification as it refuses one without a user; the ingest
 * worker reads it again with the same rule. A change time in the future (a forged push, a skewed clock)
 * is the arrival time, so it cannot hold back the changes that follow it.
 */
export function readPermissionChange(action: PermissionsAction, document: unknown, receivedAt: number): PermissionChange | { reason: string } {
  const listed = compilePointer(action.scopes)(document);
  if (!Array.isArray(listed)) return { reason: `the scopes at ${action.scopes} are not a list` };
  if (listed.length > MAX_SCOPES) return { reason: `more than ${MAX_SCOPES} scopes at ${action.scopes}` };
  const scopes: string[] = [];
  for (const scope of listed) {
    if (typeof scope !== "string" || scope.trim() === "" || scope.length > MAX_SCOPE_LENGTH || scope.includes(","))
      return { reason: `a scope at ${action.scopes} is not a scope name (text of 1–${MAX_SCOPE_LENGTH} characters without commas)` };
    if (!scopes.includes(scope)) scopes.push(scope);
  }
  const at = action.changedAt === undefined ? undefined : notificationInstant(compilePointer(action.changedAt)(document));
  return { scopes, changedAt: Math.min(at ?? receivedAt, receivedAt) };
}
