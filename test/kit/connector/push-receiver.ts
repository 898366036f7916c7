import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";
import { singleHeader } from "@tributary/core/contracts";

/** One request the receiver got: what a provider sent to the callback URL, raw bytes included. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface PushReceiver {
  /** The callback URL (`/hooks/<name>` on a free local port). */
  url: string;
  received: ReceivedRequest[];
}

/**
 * A stand-in for our webhook endpoint in a connector's tests, for the current test: it keeps every request
 * a provider mock sends (handshakes and pushes, with their raw bytes, so a signature can be checked over
 * exactly what was signed) and answers with what the handler decides.
 */
export async function startPushReceiver(name: string, handle: (request: ReceivedRequest) => ReceiverAnswer | Promise<ReceiverAnswer>): Promise<PushReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const entry: ReceivedRequest = {
      method: request.method ?? "GET",
      url: new URL(request.url ?? "/", "http://127.0.0.1"),
      headers: request.headers,
      rawBody: Buffer.concat(chunks),
    };
    received.push(entry);
    try {
      const answer = await handle(entry);
      response.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/${name}`, received };
}

/** A header's one value (absent when sent twice). */
export function headerOf(request: ReceivedRequest, name: string): string | undefined {
  return singleHeader(request.headers, name);
}
