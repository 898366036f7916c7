/** A provider push as received: the raw bytes (signatures cover them), its headers and query. */
export interface WebhookRequest {
  /** Lower-case names, as node:http gives them; a header sent twice is an array. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawBody: Buffer;
  query: Readonly<Record<string, unknown>>;
}

/** The one value of a header; a header sent twice is ambiguous, so it counts as absent. */
export function singleHeader(headers: WebhookRequest["headers"], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === "string" ? value : undefined;
}

/** The one value of a query parameter; a parameter given twice counts as absent. */
export function singleQuery(query: WebhookRequest["query"], name: string): string | undefined {
  const value = Object.hasOwn(query, name) ? query[name] : undefined;
  return typeof value === "string" ? value : undefined;
}
