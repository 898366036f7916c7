import { compilePointer } from "../spec/pointer.ts";
import { compileTemplate, type CompiledTemplate } from "../spec/template.ts";

/** Longer than any provider's event names ("activities.updated", "SLEEP_WISE_CIRCADIAN_BEDTIME"). */
export const MAX_EVENT_TYPE_LENGTH = 200;

const templates = new Map<string, CompiledTemplate>();

/**
 * A notification's event type from `webhook.eventType`: a bare pointer ("/type") or a template of
 * pointers ("{/object_type}.{/aspect_type}"). Undefined when the notification has none (a pointer to
 * nothing, or to an object), so only the `*` catch-all can take it.
 */
export function eventTypeOf(source: string | undefined, document: unknown): string | undefined {
  if (source === undefined) return "*";
  if (source.startsWith("/") && !source.includes("{")) return scalarText(compilePointer(source)(document));
  let template = templates.get(source);
  if (!template) templates.set(source, (template = compileTemplate(source)));
  // A notification missing a part, or with an object there, has no type (rendering would throw or print JSON).
  if (template.variables.some((pointer) => scalarText(compilePointer(pointer)(document)) === undefined)) return undefined;
  return template.render((name) => (name === "document" ? document : undefined));
}

function scalarText(value: unknown): string | undefined {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}
