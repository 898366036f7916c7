import type { WebhookEventAction, WebhookSpec } from "@tributary/schemas";
import { compilePointer, readPointer } from "../spec/pointer.ts";
import { compileTemplate } from "../spec/template.ts";

/** One notification of a push, read the way the connector's webhook spec says. */
export interface PushNotification {
  /** The notification document (the whole body, an item of the batch, or an item under a key). */
  document: unknown;
  /** Where it is in the body, as a JSON pointer ("" for the body itself). */
  at: string;
  /** Its event type ("*" when the spec names none or the notification has none). */
  eventType: string;
  /** The provider user id at `webhook.userId`, as text. */
  providerUserId?: string;
  /** The action its event type (and `when`) selects; undefined when no event matches. */
  action?: WebhookEventAction;
}

/**
 * Splits a push body into notifications and finds each one's event type, user and action, as the spec
 * declares (batch, userId, eventType, events with their `when`). Used to check example pushes; it
 * verifies nothing and pulls nothing.
 */
export function readPush(webhook: WebhookSpec, body: unknown): PushNotification[] {
  return split(webhook, body).map(({ document, at, key }) => {
    const eventType = key ?? eventTypeOf(webhook.eventType, document);
    const user = readPointer(document, webhook.userId);
    const action = actionFor(webhook, eventType, document);
    return {
      document,
      at,
      eventType,
      ...(typeof user === "string" || typeof user === "number" ? { providerUserId: String(user) } : {}),
      ...(action ? { action } : {}),
    };
  });
}

/** The records a `records` action carries: the list (or the one record) at its pointer. */
export function recordsOf(action: Extract<WebhookEventAction, { action: "records" }>, document: unknown): unknown[] {
  const found = readPointer(document, action.records);
  if (found === undefined || found === null) return [];
  return Array.isArray(found) ? found : [found];
}

function split(webhook: WebhookSpec, body: unknown): { document: unknown; at: string; key?: string }[] {
  const batch = webhook.batch;
  if (!batch) return [{ document: body, at: "" }];
  if (batch.type === "array") {
    const list = readPointer(body, batch.path);
    return Array.isArray(list) ? list.map((document, i) => ({ document, at: `${batch.path}/${i}` })) : [];
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return [];
  return Object.entries(body).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((document, i) => ({ document, at: `/${escapePointerKey(key)}${Array.isArray(value) ? `/${i}` : ""}`, key })),
  );
}

/** `eventType` is a bare pointer ("/type") or a template of pointers ("{/object_type}.{/aspect_type}"). */
function eventTypeOf(source: string | undefined, document: unknown): string {
  if (source === undefined) return "*";
  if (source.startsWith("/") && !source.includes("{")) {
    const value = compilePointer(source)(document);
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "*";
  }
  try {
    return compileTemplate(source).render((name) => (name === "document" ? document : undefined));
  } catch {
    return "*";
  }
}

function actionFor(webhook: WebhookSpec, eventType: string, document: unknown): WebhookEventAction | undefined {
  const declared = Object.hasOwn(webhook.events, eventType) ? webhook.events[eventType] : webhook.events["*"];
  if (declared === undefined) return undefined;
  const candidates = Array.isArray(declared) ? declared : [declared];
  return candidates.find((action) => Object.entries(action.when ?? {}).every(([pointer, expected]) => text(readPointer(document, pointer)) === text(expected)));
}

/** `when` compares as text: "false" equals false, "12" equals 12; absent equals null. */
const text = (value: unknown): string => (value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));

const escapePointerKey = (key: string): string => key.replaceAll("~", "~0").replaceAll("/", "~1");
