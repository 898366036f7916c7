import type { ProviderTransport } from "../../../src/provider-http/transport.ts";

/** A plain fetch ProviderTransport for the auth tests (the provider client brings the real one). */
export const fetchTransport: ProviderTransport = async (request) => {
  const signals = [AbortSignal.timeout(request.timeoutMs), ...(request.signal ? [request.signal] : [])];
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    redirect: "manual",
    signal: AbortSignal.any(signals),
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > request.maxResponseBytes) throw new Error(`answer larger than ${request.maxResponseBytes} bytes`);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body };
};
