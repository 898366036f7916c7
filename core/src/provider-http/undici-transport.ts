import { pipeline, type Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { Agent, type Dispatcher } from "undici";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { providerUnavailable } from "./errors.ts";
import type { ProviderRequest, ProviderResponse, ProviderTransport } from "./transport.ts";

export interface UndiciTransportOptions {
  /** Connections kept per provider origin. @default 16 */
  connectionsPerOrigin?: number;
  /** Idle keep-alive connections close after this long (servers may say less). @default 30000 */
  keepAliveTimeoutMs?: number;
  /** TCP + TLS connect timeout. @default 10000 */
  connectTimeoutMs?: number;
  /** Sent unless the request has its own. */
  userAgent?: string;
}

export interface UndiciTransport extends ProviderTransport {
  /** Closes every pooled connection; requests after it fail. */
  close(): Promise<void>;
}

const DEFAULT_USER_AGENT = "Tributary";

/**
 * The production ProviderTransport: one undici Agent, which keeps a keep-alive pool per origin, so the
 * many small requests of a backfill (list pages, per-record details) reuse warm TLS connections.
 * Answers are decompressed (gzip, deflate, br) and the size limit counts decompressed bytes too, so a
 * compressed bomb is refused like any oversized answer. Redirects are not followed here: the client
 * decides, after checking the target against the allowed origins.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 16,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs ?? 30_000, 60_000),
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;

  const transport = (async (request: ProviderRequest): Promise<ProviderResponse> => {
    const url = new URL(request.url);
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br", "user-agent": userAgent, ...request.headers };
    let response: Dispatcher.ResponseData;
    try {
      response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
    } catch (error) {
      throw failure(error, request, url, timeout, signal);
    }
    try {
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > request.maxResponseBytes) throw tooLarge(request, url);
      const headers = flatHeaders(response.headers);
      const body = await readLimited(decoded(response.body, headers), request.maxResponseBytes, request, url);
      return { status: response.statusCode, headers, body };
    } catch (error) {
      // Closing a body early makes undici emit an abort error nobody else listens for.
      response.body.on("error", () => undefined).destroy();
      throw failure(error, request, url, timeout, signal);
    }
  }) as UndiciTransport;
  transport.close = () => agent.close();
  return transport;
}

async function readLimited(body: AsyncIterable<Buffer>, limit: number, request: ProviderRequest, url: URL): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw tooLarge(request, url);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  "x-gzip": createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The body with its content-encodings undone (then the encoding and length headers are dropped). */
function decoded(body: Readable, headers: Record<string, string>): AsyncIterable<Buffer> {
  const encodings = (headers["content-encoding"] ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "" && e !== "identity");
  if (encodings.length === 0 || encodings.length > 2 || !encodings.every((e) => e in DECODERS)) return body;
  delete headers["content-encoding"];
  delete headers["content-length"];
  const decoders = encodings.reverse().map((e) => DECODERS[e]!());
  return pipeline([body, ...decoders], () => undefined) as unknown as AsyncIterable<Buffer>;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Where a request went, for messages: never the query, which may carry an API key. */
export const describeRequest = (method: string, url: URL): string => `${method} ${url.origin}${url.pathname}`;

function tooLarge(request: ProviderRequest, url: URL): UserError {
  return new UserError(ErrorCodes.PROVIDER_RESPONSE_TOO_LARGE, `${describeRequest(request.method, url)} answered more than ${request.maxResponseBytes} bytes`, {
    hint: "Ask for less per request (a smaller stream.dateRange.maxWindowDays or page size), or raise http.maxResponseBytes in the connector spec.",
    details: { limit: request.maxResponseBytes },
  });
}

function failure(error: unknown, request: ProviderRequest, url: URL, timeout: AbortSignal, signal: AbortSignal): unknown {
  if (error instanceof UserError) return error;
  const where = describeRequest(request.method, url);
  if (timeout.aborted || isTimeout(error)) {
    return providerUnavailable(`${where} timed out after ${request.timeoutMs} ms`, {
      cause: error,
      details: { failure: "timeout", timeoutMs: request.timeoutMs },
    });
  }
  // The caller gave up (job cancelled, shutdown): not the provider's fault, not retried.
  if (signal.aborted) return request.signal?.reason ?? error;
  const code = (error as { code?: unknown }).code;
  return providerUnavailable(`${where} failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
    details: { failure: "connection", ...(typeof code === "string" ? { errorCode: code } : {}) },
  });
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT";
}
