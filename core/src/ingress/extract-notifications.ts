import type { WebhookEventMapping, WebhookSpec } from "../contracts/webhook.ts";
import { getByPointer } from "./json-pointer.ts";

export interface Notification {
  /** The provider's id of the user, from `userIdPointer`. */
  providerUserId: string;
  eventType: string;
  mapping: WebhookEventMapping;
  /** The notification object itself (one element of a batch, or the whole body). */
  body: unknown;
}

export type ExtractResult = { ok: true; notifications: Notification[] } | { ok: false; reason: string };

export interface ExtractLimits {
  /** Notifications one request may carry. @default DEFAULT_MAX_NOTIFICATIONS */
  maxNotifications?: number;
}

/**
 * Far above what providers batch (tens to a few hundred), and low enough that one request's user
 * lookups and enqueue stay a small share of one event-loop turn.
 */
export const DEFAULT_MAX_NOTIFICATIONS = 1000;

/** Provider user ids are short (UUIDs, numbers, 30-odd characters); anything longer is not one. */
export const MAX_PROVIDER_USER_ID_LENGTH = 256;

/**
 * Split a verified push body into notifications, each with its user id and what to do about it. A body
 * that can never be processed — too many notifications, a user id that is not one, an event type the
 * connector does not map — is refused whole, with the reason.
 */
export function extractNotifications(spec: WebhookSpec, body: unknown, limits: ExtractLimits = {}): ExtractResult {
  const maxNotifications = limits.maxNotifications ?? DEFAULT_MAX_NOTIFICATIONS;
  const items = spec.batchPointer ? getByPointer(body, spec.batchPointer) : [body];
  if (!Array.isArray(items)) return { ok: false, reason: `expected an array at ${spec.batchPointer}` };
  if (items.length > maxNotifications) {
    return { ok: false, reason: `${items.length} notifications in one request; at most ${maxNotifications} are accepted, send them in several requests` };
  }
  const notifications: Notification[] = [];
  for (const [index, item] of items.entries()) {
    const where = spec.batchPointer ? `${spec.batchPointer}/${index}` : "";
    const userId = getByPointer(item, spec.userIdPointer);
    if (typeof userId !== "string" && !(typeof userId === "number" && Number.isFinite(userId))) {
      return { ok: false, reason: `no user id at ${where}${spec.userIdPointer}` };
    }
    const providerUserId = String(userId);
    if (providerUserId === "" || providerUserId.length > MAX_PROVIDER_USER_ID_LENGTH) {
      return { ok: false, reason: `the user id at ${where}${spec.userIdPointer} is empty or longer than ${MAX_PROVIDER_USER_ID_LENGTH} characters` };
    }
    const eventType = spec.eventTypePointer ? getByPointer(item, spec.eventTypePointer) : "*";
    if (typeof eventType !== "string") return { ok: false, reason: `no event type at ${where}${spec.eventTypePointer}` };
    const mapping = eventMapping(spec, eventType);
    if (!mapping) return { ok: false, reason: `unknown event type ${JSON.stringify(eventType.slice(0, 100))}` };
    notifications.push({ providerUserId, eventType, mapping, body: item });
  }
  return { ok: true, notifications };
}

/**
 * The connector's mapping of an event type (or its `*` catch-all). Own properties only: a lookup that
 * followed the prototype chain would map `constructor` or `__proto__` to Object's own members.
 */
export function eventMapping(spec: Pick<WebhookSpec, "events">, eventType: string): WebhookEventMapping | undefined {
  if (Object.hasOwn(spec.events, eventType)) return spec.events[eventType];
  return Object.hasOwn(spec.events, "*") ? spec.events["*"] : undefined;
}
