import type { WebhookEventAction, WebhookSpec } from "@tributary/schemas";
import { compilePointer } from "../spec/pointer.ts";
import { eventTypeOf, MAX_EVENT_TYPE_LENGTH } from "./event-type.ts";
import { selectAction } from "./select-action.ts";

export interface Notification {
  /** The notification object itself (the whole body, an item of the batch, or an item under a key). */
  document: unknown;
  /** Its event type ("*" when the spec names none or the notification has none). */
  eventType: string;
  action: WebhookEventAction;
  /** The provider's id of the user, from `webhook.userId`; absent for notifications that are ignored. */
  providerUserId?: string;
}

export type ReadResult = { ok: true; notifications: Notification[] } | { ok: false; reason: string };

/**
 * Far above what providers batch (tens to a few hundred), and low enough that one request's user
 * lookups and enqueue stay a small share of one event-loop turn.
 */
export const DEFAULT_MAX_NOTIFICATIONS = 1000;

/** Provider user ids are short (UUIDs, numbers, 30-odd characters); anything longer is not one. */
export const MAX_PROVIDER_USER_ID_LENGTH = 256;

/**
 * Splits a verified push body into notifications as the webhook declares (`batch`: an array at a path,
 * or Garmin's keys, each an event type holding a list), each with its event type, the action that type
 * (and `when`) selects, and its user. A body that can never be processed — more notifications than the
 * cap, a user id that is not one, an event type nothing handles — is refused whole, with the reason. An
 * ignored notification needs no user (Polar's PING, a partner's ping carry none).
 */
export function readNotifications(webhook: WebhookSpec, body: unknown, limits: { maxNotifications?: number } = {}): ReadResult {
  const maxNotifications = Math.min(limits.maxNotifications ?? DEFAULT_MAX_NOTIFICATIONS, webhook.maxNotifications ?? Number.POSITIVE_INFINITY);
  const items = split(webhook, body, maxNotifications);
  if (typeof items === "string") return { ok: false, reason: items };
  const notifications: Notification[] = [];
  const userId = compilePointer(webhook.userId);
  for (const { document, at, key } of items) {
    const eventType = key ?? eventTypeOf(webhook.eventType, document);
    if (eventType !== undefined && eventType.length > MAX_EVENT_TYPE_LENGTH)
      return { ok: false, reason: `the event type at ${at} is longer than ${MAX_EVENT_TYPE_LENGTH} characters` };
    const action = selectAction(webhook, eventType, document);
    if (!action) {
      return {
        ok: false,
        reason: eventType === undefined ? `no event type at ${at || "the body"}` : `unknown event type ${JSON.stringify(eventType.slice(0, 100))}`,
      };
    }
    const type = eventType ?? "*";
    if (action.action === "ignore") {
      notifications.push({ document, eventType: type, action });
      continue;
    }
    const user = userId(document);
    if (typeof user !== "string" && !(typeof user === "number" && Number.isFinite(user))) return { ok: false, reason: `no user id at ${at}${webhook.userId}` };
    const providerUserId = String(user);
    if (providerUserId === "" || providerUserId.length > MAX_PROVIDER_USER_ID_LENGTH) {
      return { ok: false, reason: `the user id at ${at}${webhook.userId} is empty or longer than ${MAX_PROVIDER_USER_ID_LENGTH} characters` };
    }
    notifications.push({ document, eventType: type, action, providerUserId });
  }
  return { ok: true, notifications };
}

type Item = { document: unknown; at: string; key?: string };

/** The notifications of a body, counted before any is looked at; a string says why there are none. */
function split(webhook: WebhookSpec, body: unknown, max: number): Item[] | string {
  const batch = webhook.batch;
  const tooMany = (n: number) => `${n} notifications in one request; at most ${max} are accepted, send them in several requests`;
  if (!batch) return [{ document: body, at: "" }];
  if (batch.type === "array") {
    const list = compilePointer(batch.path)(body);
    if (!Array.isArray(list)) return `expected an array of notifications at ${batch.path || "the body"}`;
    if (list.length > max) return tooMany(list.length);
    return list.map((document, i) => ({ document, at: `${batch.path}/${i}` }));
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "expected an object whose keys are event types";
  const entries = Object.entries(body);
  let count = 0;
  for (const [, value] of entries) count += Array.isArray(value) ? value.length : 1;
  if (count > max) return tooMany(count);
  return entries.flatMap(([key, value]) => {
    const at = `/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    return Array.isArray(value) ? value.map((document, i) => ({ document, at: `${at}/${i}`, key })) : [{ document: value, at, key }];
  });
}
