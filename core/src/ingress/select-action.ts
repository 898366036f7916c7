import type { WebhookEventAction, WebhookSpec } from "@tributary/schemas";
import { compilePointer } from "../spec/pointer.ts";

/**
 * The action a notification of this event type takes: the event's entry (or the `*` catch-all), and
 * in a list the first whose `when` holds. Own properties only: a lookup that followed the prototype
 * chain would map `constructor` or `__proto__` to Object's own members.
 */
export function selectAction(webhook: Pick<WebhookSpec, "events">, eventType: string | undefined, document: unknown): WebhookEventAction | undefined {
  const events = webhook.events;
  const key = eventType !== undefined && Object.hasOwn(events, eventType) ? eventType : Object.hasOwn(events, "*") ? "*" : undefined;
  if (key === undefined) return undefined;
  const declared = events[key]!;
  const candidates = Array.isArray(declared) ? declared : [declared];
  return candidates.find((action) => holds(action.when, document));
}

/** `when` compares as text: "false" equals false, "12" equals 12; absent equals null. */
function holds(when: WebhookEventAction["when"], document: unknown): boolean {
  if (!when) return true;
  return Object.entries(when).every(([pointer, expected]) => asText(compilePointer(pointer)(document)) === asText(expected));
}

const asText = (value: unknown): string => (value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));
