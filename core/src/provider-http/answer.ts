import type { ProviderResponse } from "./transport.ts";
import type { ResponseView } from "./response-rules.ts";

/** A provider's answer as the client hands it on. */
export interface ProviderAnswer {
  status: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** Parsed JSON; null for an empty body or an ignored answer; undefined when the body is not JSON. */
  body: unknown;
  raw: Buffer;
  /** An `ignore` rule matched: treat as an empty answer (a deleted object, nothing to report). */
  ignored: boolean;
  /** Where the answer came from, after redirects. */
  url: URL;
}

const NOT_PARSED = Symbol("not parsed");

/** One parse of the body, shared by the response rules and the answer. */
export function responseView(response: ProviderResponse): ResponseView {
  let json: unknown = NOT_PARSED;
  let text: string | undefined;
  const textOf = () => (text ??= response.body.toString("utf8").replace(/^\uFEFF/, ""));
  const parsed = () => {
    if (json === NOT_PARSED) {
      const body = textOf();
      if (body.trim() === "") json = null;
      else {
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
      }
    }
    return json;
  };
  return {
    status: response.status,
    headers: response.headers,
    json: parsed,
    text: textOf,
  };
}

const TOKEN_LIKE = /[A-Za-z0-9_\-.~+/=]{24,}/g;

/**
 * The start of an error body for messages and logs. Providers echo tokens in errors (Fitbit: "Access
 * token expired: eyJ…"), so anything token-shaped is cut out.
 */
export function bodySnippet(text: string, max = 300): string {
  const compact = text.replace(/\s+/g, " ").trim();
  const cut = compact.length > max ? `${compact.slice(0, max)}…` : compact;
  return cut.replace(TOKEN_LIKE, "[redacted]");
}
