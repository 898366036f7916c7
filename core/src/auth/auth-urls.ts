import type { ConnectorSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";
import { compileTemplate, type TemplateScope } from "../spec/template.ts";
import { isRecord } from "../contracts/is-record.ts";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * What auth templates (authorize/token URLs and their extra parameters) may read: `client_id`,
 * `redirect_uri` where there is one, and the connector's options (`options.<name>`: the operator's
 * value, else the spec's default).
 */
export function authTemplateScope(spec: ConnectorSpec, settings: ProviderSettings | undefined, variables: Record<string, string | undefined>): TemplateScope {
  const configured = isRecord(settings?.options) ? settings.options : {};
  return (name) => {
    if (name.startsWith("options.")) {
      const option = name.slice("options.".length);
      return Object.hasOwn(configured, option) ? configured[option] : spec.options?.[option]?.default;
    }
    return Object.hasOwn(variables, name) ? variables[name] : undefined;
  };
}

/** The provider API root: the operator's `providers.<NAME>.baseUrl`, else the spec's. */
export function providerBaseUrl(spec: ConnectorSpec, settings: ProviderSettings | undefined, scope: TemplateScope): string | undefined {
  const override = typeof settings?.baseUrl === "string" && settings.baseUrl !== "" ? settings.baseUrl : undefined;
  const template = override ?? spec.http?.baseUrl;
  return template === undefined ? undefined : compileTemplate(template).render(scope);
}

/**
 * The operator's replacement of one of the spec's OAuth endpoints (`providers.<NAME>.authorizeUrl`,
 * `tokenUrl`, `refreshUrl`): a provider whose consent page is on another host than its API (INSIDERS)
 * is pointed at its mock with these, as `baseUrl` points its API.
 */
export function authUrlOverride(settings: ProviderSettings | undefined, name: "authorizeUrl" | "tokenUrl" | "refreshUrl"): string | undefined {
  const value = settings?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * An auth endpoint from its template. A path ("/oauth/token") is resolved against the provider's base
 * URL, so pointing `providers.<NAME>.baseUrl` at a mock moves the token endpoint with it. Plain HTTP is
 * only for loopback addresses (mocks, tests): credentials never cross a network in clear.
 */
export function resolveAuthUrl(what: string, template: string, scope: TemplateScope, baseUrl: string | undefined): URL {
  const rendered = compileTemplate(template).render(scope);
  let url: URL;
  try {
    url = new URL(rendered, baseUrl);
  } catch {
    throw new UserError(
      ErrorCodes.SPEC_INVALID,
      `auth.${what} ${JSON.stringify(rendered)} is not an absolute URL${baseUrl === undefined ? " and the spec has no http.baseUrl to resolve it against" : ""}`,
      {
        hint: `Write auth.${what} as an https URL, or as a path below http.baseUrl.`,
      },
    );
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new UserError(ErrorCodes.SPEC_INVALID, `auth.${what} ${url.origin} is not https`, {
      hint: "Provider auth endpoints must use https; plain http is accepted for localhost only (mocks).",
    });
  }
  return url;
}

export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === "http:" && LOOPBACK.has(url.hostname);
}

/** Renders a record of templates (authorizeParams, tokenParams, refreshParams); empty values are left out. */
export function renderParams(params: Record<string, string> | undefined, scope: TemplateScope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(params ?? {})) {
    const value = compileTemplate(template).render(scope);
    if (value !== "") out[name] = value;
  }
  return out;
}
