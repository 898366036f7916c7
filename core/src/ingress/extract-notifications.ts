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

/** Split a verified push body into notifications, each with its user id and what to do about it. */
export function extractNotifications(spec: WebhookSpec, body: unknown): ExtractResult {
  const items = spec.batchPointer ? getByPointer(body, spec.batchPointer) : [body];
  if (!Array.isArray(items)) return { ok: false, reason: `expected an array at ${spec.batchPointer}` };
  const notifications: Notification[] = [];
  for (const [index, item] of items.entries()) {
    const where = spec.batchPointer ? `${spec.batchPointer}/${index}` : "";
    const userId = getByPointer(item, spec.userIdPointer);
    if (typeof userId !== "string" && typeof userId !== "number") {
      return { ok: false, reason: `no user id at ${where}${spec.userIdPointer}` };
    }
    const eventType = spec.eventTypePointer ? getByPointer(item, spec.eventTypePointer) : "*";
    if (typeof eventType !== "string") return { ok: false, reason: `no event type at ${where}${spec.eventTypePointer}` };
    const mapping = spec.events[eventType] ?? spec.events["*"];
    if (!mapping) return { ok: false, reason: `unknown event type "${eventType}"` };
    notifications.push({ providerUserId: String(userId), eventType, mapping, body: item });
  }
  return { ok: true, notifications };
}
