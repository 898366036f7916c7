import type { ClientFieldsAuth, RequestSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { urlRefused } from "./errors.ts";
import type { OriginPolicy } from "./origin-policy.ts";
import { scopeOf, template, type TemplateVariables } from "./template-scope.ts";
import type { ProviderRequest } from "./transport.ts";

export type HttpMethod = ProviderRequest["method"];
export type RequestAuth = "user" | "client_basic" | "none" | ClientFieldsAuth;

/** Whether a request authenticates as the application (its OAuth client) rather than a user. */
export const isClientAuth = (auth: RequestAuth): boolean => auth === "client_basic" || typeof auth === "object";

export type PreparedBody = { encoding: "json"; value: unknown } | { encoding: "form"; value: URLSearchParams };

/** A provider request with every template rendered, before credentials and budget. */
export interface PreparedRequest {
  method: HttpMethod;
  url: URL;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: PreparedBody;
  auth: RequestAuth;
  /** The request's path as the spec writes it: for logs and errors, never with ids or secrets. */
  label: string;
}

/**
 * Render a RequestSpec: the path below the base URL (variables in it are percent-encoded, so an id
 * cannot add path segments), query values (a value that renders empty is left out), headers (the
 * spec's http.headers first), and a JSON or form body whose strings are templates.
 */
export function renderRequest(
  spec: RequestSpec,
  variables: TemplateVariables,
  policy: OriginPolicy,
  defaultHeaders: Readonly<Record<string, string>> = {},
): PreparedRequest {
  const scope = scopeOf(variables);
  const url = policy.resolve(template(spec.path).render(scope, encodePathValue));
  for (const [name, source] of Object.entries(spec.query ?? {})) {
    const value = template(source).render(scope);
    if (value !== "") url.searchParams.set(name, value);
  }
  const headers: Record<string, string> = {};
  for (const [name, source] of [...Object.entries(defaultHeaders), ...Object.entries(spec.headers ?? {})]) {
    const value = template(source).render(scope);
    if (/[\r\n]/.test(value))
      throw new UserError(ErrorCodes.SPEC_INVALID, `Header ${name} of ${spec.path} would contain a line break`, {
        hint: "Header values cannot span lines; check the template's variables.",
      });
    headers[name.toLowerCase()] = value;
  }
  const method = (spec.method ?? "GET") as HttpMethod;
  const prepared: PreparedRequest = { method, url, headers, auth: spec.auth ?? "user", label: `${method} ${spec.path}` };
  if (spec.body !== undefined) {
    if (method === "GET" || method === "HEAD") {
      throw new UserError(ErrorCodes.SPEC_INVALID, `${prepared.label} has a body, which ${method} cannot carry`, {
        hint: "Use POST (or PUT/PATCH) for a request with a body, or move the values to query.",
      });
    }
    prepared.body =
      spec.bodyEncoding === "form"
        ? { encoding: "form", value: renderForm(spec.body, variables, prepared.label) }
        : { encoding: "json", value: renderJson(spec.body, variables) };
  }
  return prepared;
}

/** The bytes and content type of a prepared body. */
export function encodeBody(body: PreparedBody): { contentType: string; bytes: string } {
  return body.encoding === "form"
    ? { contentType: "application/x-www-form-urlencoded", bytes: body.value.toString() }
    : { contentType: "application/json", bytes: JSON.stringify(body.value) };
}

function encodePathValue(value: string): string {
  // A "." or ".." segment climbs the URL path (percent-encoding it does not help): no id looks like that.
  if (value === "." || value === "..") throw urlRefused(`A path variable of ${JSON.stringify(value)} would climb the URL path`);
  return encodeURIComponent(value);
}

/** Strings are templates; one that is a single placeholder keeps its value's JSON type. */
function renderJson(value: unknown, variables: TemplateVariables): unknown {
  if (typeof value === "string") {
    const compiled = template(value);
    if (compiled.variables.length === 1 && compiled.source.trim() === `{${compiled.variables[0]}}`) {
      const raw = scopeOf(variables)(compiled.variables[0]!);
      if (raw !== undefined && typeof raw !== "string") return raw;
    }
    return compiled.render(scopeOf(variables));
  }
  if (Array.isArray(value)) return value.map((item) => renderJson(item, variables));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderJson(item, variables)]));
  }
  return value;
}

function renderForm(body: unknown, variables: TemplateVariables, label: string): URLSearchParams {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${label}: a form body is an object of fields`, {
      hint: 'Write the body as { field: "value", … } or use bodyEncoding: json.',
    });
  }
  const scope = scopeOf(variables);
  const form = new URLSearchParams();
  const add = (name: string, value: unknown) => {
    if (value === null || value === undefined) return;
    const text =
      typeof value === "string" ? template(value).render(scope) : typeof value === "object" ? JSON.stringify(renderJson(value, variables)) : String(value);
    if (text !== "") form.append(name, text);
  };
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) for (const item of value) add(name, item);
    else add(name, value);
  }
  return form;
}
