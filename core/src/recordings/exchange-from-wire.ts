import type { RecordedExchange } from "@tributary/schemas";
import type { ProviderRequest } from "../provider-http/transport.ts";
import { bodyForFile, isJsonType } from "./exchange-body.ts";
import { requestParts } from "./request-parts.ts";
import type { Scrubber } from "./scrub.ts";

export interface WireExchange {
  request: Pick<ProviderRequest, "method" | "url" | "headers" | "body">;
  response: { status: number; headers: Record<string, string>; body: Buffer };
}

/**
 * Learns the secrets an exchange reveals (the request's credentials, a token endpoint's tokens, the
 * credential fields it sent), so this and later exchanges are written without them.
 */
export function learnSecrets(exchange: WireExchange, scrubber: Scrubber): void {
  scrubber.learnHeaders(exchange.request.headers);
  const parts = requestParts(exchange.request);
  for (const [name, value] of Object.entries(parts.bodyFields ?? {})) if (scrubber.isSecretName(name, "request")) scrubber.learn(value);
  for (const [name, value] of parts.query) if (scrubber.isSecretName(name, "request")) scrubber.learn(value);
  if (isJsonType(exchange.response.headers["content-type"])) {
    try {
      scrubber.learnJson(JSON.parse(exchange.response.body.toString("utf8")));
    } catch {
      // Not JSON after all: nothing to learn from it.
    }
  }
}

/** The recording of one exchange, with every secret the scrubber knows left out or replaced. */
export function exchangeFromWire(exchange: WireExchange, scrubber: Scrubber): RecordedExchange {
  const parts = requestParts(exchange.request);
  const query = scrubber.query(parts.query);
  const body = parts.bodyFields ? scrubber.bodyFields(parts.bodyFields) : undefined;
  const headers = scrubber.responseHeaders(exchange.response.headers);
  const stored = bodyForFile(exchange.response.body, exchange.response.headers["content-type"]);
  const response: RecordedExchange["response"] = { status: exchange.response.status, headers };
  if (stored.body !== undefined) response.body = typeof stored.body === "string" ? scrubber.text(stored.body) : scrubber.json(stored.body);
  if (stored.bodyBase64 !== undefined) response.bodyBase64 = stored.bodyBase64;
  return {
    request: {
      method: parts.method,
      path: scrubber.text(parts.path),
      ...(Object.keys(query).length > 0 ? { query } : {}),
      ...(body && Object.keys(body).length > 0 ? { body } : {}),
    },
    response,
  };
}
