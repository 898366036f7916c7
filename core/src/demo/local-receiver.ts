import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { validatePayload } from "@tributary/schemas";
import { verifyTerraSignature } from "../contracts/terra-signature.ts";

export interface ReceivedPayload {
  payload: { type: string; [field: string]: unknown };
  traceId: string | undefined;
  reference: string | undefined;
  /** Issues when the payload does not match the Terra Standard schemas. */
  issues: Array<{ path: string; message: string }>;
  duplicate: boolean;
}

export interface LocalReceiver {
  url: string;
  received: ReceivedPayload[];
  close(): Promise<void>;
}

/**
 * What an application written for Terra does with a webhook: verify the signature over the raw bytes,
 * answer fast, then look at the payload. Used by the demo and the end-to-end tests.
 */
export async function startLocalReceiver(options: {
  signingSecret: string;
  port?: number;
  onPayload?: (received: ReceivedPayload) => void;
  /** Answer this status instead of 200 (to simulate a broken receiver). */
  respondWith?: () => number;
}): Promise<LocalReceiver> {
  const received: ReceivedPayload[] = [];
  const seenTraceIds = new Set<string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const header = request.headers["terra-signature"] ?? request.headers["x-terra-signature"];
      const check = verifyTerraSignature(Array.isArray(header) ? header[0] : header, raw, options.signingSecret);
      if (!check.ok) {
        response.writeHead(401).end(check.reason);
        return;
      }
      const forced = options.respondWith?.();
      if (forced && forced !== 200) {
        response.writeHead(forced).end();
        return;
      }
      let payload: ReceivedPayload["payload"];
      try {
        payload = JSON.parse(raw.toString("utf8"));
      } catch {
        response.writeHead(400).end("invalid JSON");
        return;
      }
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      const traceId = request.headers["x-terra-trace-id"] as string | undefined;
      const duplicate = traceId !== undefined && seenTraceIds.has(traceId);
      if (traceId) seenTraceIds.add(traceId);
      const result = validatePayload(payload);
      const entry: ReceivedPayload = {
        payload,
        traceId,
        reference: request.headers["terra-reference"] as string | undefined,
        issues: result.ok ? [] : result.issues,
        duplicate,
      };
      received.push(entry);
      options.onPayload?.(entry);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/terra`,
    received,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
