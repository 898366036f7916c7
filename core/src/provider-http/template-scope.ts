import { compileTemplate, type CompiledTemplate, type TemplateScope } from "../spec/template.ts";

/**
 * Template variables of one provider request: `user_id`, `provider_user_id`, `reference_id`, `start`,
 * `end`, `record` (the record a detail request is for), `object_id`, `client_id`, `options` (the
 * operator's providers.<NAME>.options over the spec's defaults), `webhook_url`, `access_token`.
 * A dotted name (`record.ride.id`, `options.region`) walks own properties only.
 */
export type TemplateVariables = Readonly<Record<string, unknown>>;

export function scopeOf(variables: TemplateVariables, document?: unknown): TemplateScope {
  return (name) => {
    if (name === "document") return document;
    const dot = name.indexOf(".");
    if (dot < 0) return Object.hasOwn(variables, name) ? variables[name] : undefined;
    let current: unknown = Object.hasOwn(variables, name.slice(0, dot)) ? variables[name.slice(0, dot)] : undefined;
    for (const key of name.slice(dot + 1).split(".")) {
      if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
}

const compiled = new Map<string, CompiledTemplate>();

/** Spec templates are few and fixed: compile each once per process. */
export function template(source: string): CompiledTemplate {
  let found = compiled.get(source);
  if (!found) {
    found = compileTemplate(source);
    compiled.set(source, found);
  }
  return found;
}
