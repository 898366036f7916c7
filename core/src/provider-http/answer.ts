import { scrubString } from "../redaction/index.ts";
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

/**
 * The start of an error body for messages and logs. Providers echo credentials in errors (Fitbit: "Access
 * token expired: eyJ…"), so the body goes through the scrubbing policy (secret-named fields and
 * parameters, bearer credentials, JWTs) and loses the credentials the request carried, by value; the ids
 * it names stay, so the operator can act on the object the provider refused.
 * @param secrets the request's credentials (`sentSecrets`)
 */
export function bodySnippet(text: string, secrets: readonly string[] = [], max = 300): string {
  // Scrubbed before the cut, so a credential the cut would split is still recognized; an HTML page is
  // not scrubbed past what the snippet could show.
  const compact = scrubString(
    text
      .slice(0, 16 * max)
      .replace(/\s+/g, " ")
      .trim(),
    { values: secrets },
  );
  return compact.length > max ? `${compact.slice(0, max)}…` : compact;
}
