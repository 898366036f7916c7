/**
 * The seam between the provider HTTP layer and the wire: undici in production, recorded exchanges for
 * `connector run --recorded`, a mock in tests. Everything above it (auth, rate budgets, the response →
 * action table, retries, paging) is the same whichever transport answers.
 */
export interface ProviderRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  /** Absolute URL, query included. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
  /** Refuse an answer larger than this many bytes. */
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export interface ProviderResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export type ProviderTransport = (request: ProviderRequest) => Promise<ProviderResponse>;
