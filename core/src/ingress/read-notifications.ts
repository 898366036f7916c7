import type { WebhookEventAction, WebhookSpec } from "@tributary/schemas";
import { compilePointer } from "../spec/pointer.ts";
import { eventTypeOf, MAX_EVENT_TYPE_LENGTH } from "./event-type.ts";
import { readPermissionChange } from "./permission-change.ts";
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

/** A notification of a batch that can never be processed, left out of it: where it is and why. */
export interface RefusedNotification {
  at: string;
  reason: string;
}

export type ReadResult =
  | {
      ok: true;
      notifications: Notification[];
      /** Notifications that can never be processed, left out while the rest of their batch goes on. */
      refused: RefusedNotification[];
      /** Notifications identical to an earlier one of the same request, read once. */
      duplicates: number;
    }
  | { ok: false; reason: string };

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
 * (and `when`) selects, and its user. A body that can never be processed — not shaped as the batch, more
 * notifications than the cap — is refused whole, with the reason. In a batch, a notification that can
 * never be processed (not an object, a user id that is not one, an event type nothing handles) is left
 * out and said in `refused` (so is a permission change whose scopes are not a list of scope names), and the rest go on: the provider would retry the whole request for ever, and
 * lose its good notifications with the bad one. A request none of whose notifications can be processed
 * is refused whole. A notification identical to an earlier one of the request is read once. An ignored
 * notification needs no user (Polar's PING, a partner's ping carry none).
 */
export function readNotifications(webhook: WebhookSpec, body: unknown, limits: { maxNotifications?: number } = {}): ReadResult {
  const maxNotifications = Math.min(limits.maxNotifications ?? DEFAULT_MAX_NOTIFICATIONS, webhook.maxNotifications ?? Number.POSITIVE_INFINITY);
  const items = split(webhook, body, maxNotifications);
  if (typeof items === "string") return { ok: false, reason: items };
  const notifications: Notification[] = [];
  const refused: RefusedNotification[] = [];
  const userId = compilePointer(webhook.userId);
  // Only a batch can repeat a notification; its text tells equal ones apart.
  const seen = items.length > 1 ? new Set<string>() : undefined;
  let duplicates = 0;
  for (const item of items) {
    const read = readOne(webhook, userId, item);
    if ("reason" in read) {
      refused.push({ at: item.at || "the body", reason: read.reason });
      continue;
    }
    if (seen) {
      const identity = `${read.eventType}\u0000${JSON.stringify(read.document)}`;
      if (seen.has(identity)) {
        duplicates++;
        continue;
      }
      seen.add(identity);
    }
    notifications.push(read);
  }
  if (notifications.length === 0 && refused.length > 0) {
    const [first] = refused;
    const more = refused.length > 1 ? ` (and ${refused.length - 1} more notifications that cannot be processed)` : "";
    return { ok: false, reason: `${first!.reason}${more}` };
  }
  return { ok: true, notifications, refused, duplicates };
}

/** One notification of the body, or why it can never be processed. */
function readOne(webhook: WebhookSpec, userId: (document: unknown) => unknown, { document, at, key }: Item): Notification | { reason: string } {
  // Every provider's notification is an object; a list or a scalar in its place is not one.
  if (document === null || typeof document !== "object" || Array.isArray(document))
    return { reason: `the notification at ${at || "the body"} is not an object` };
  const eventType = key ?? eventTypeOf(webhook.eventType, document);
  if (eventType !== undefined && eventType.length > MAX_EVENT_TYPE_LENGTH)
    return { reason: `the event type at ${at} is longer than ${MAX_EVENT_TYPE_LENGTH} characters` };
  const action = selectAction(webhook, eventType, document);
  if (!action) {
    return { reason: eventType === undefined ? `no event type at ${at || "the body"}` : `unknown event type ${JSON.stringify(eventType.slice(0, 100))}` };
  }
  const type = eventType ?? "*";
  if (action.action === "ignore") return { document, eventType: type, action };
  const user = userId(document);
  if (typeof user !== "string" && !(typeof user === "number" && Number.isFinite(user))) return { reason: `no user id at ${at}${webhook.userId}` };
  const providerUserId = String(user);
  if (providerUserId === "" || providerUserId.length > MAX_PROVIDER_USER_ID_LENGTH) {
    return { reason: `the user id at ${at}${webhook.userId} is empty or longer than ${MAX_PROVIDER_USER_ID_LENGTH} characters` };
  }
  // A permission change whose scopes are not a list of scope names could never be applied.
  if (action.action === "permissions") {
    const change = readPermissionChange(action, document, Date.now());
    if ("reason" in change) return { reason: `${change.reason} (the notification at ${at || "the body"})` };
  }
  return { document, eventType: type, action, providerUserId };
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
