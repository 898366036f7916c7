import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyTerraSignature, type DeliveryPayload } from "@tributary/core/contracts";

/** One delivery whose Terra signature verified: the body as received, parsed, and its request. */
export interface SignedDelivery {
  raw: Buffer;
  payload: DeliveryPayload;
  request: IncomingMessage;
  response: ServerResponse;
}

export interface SignedReceiver {
  url: string;
  close(): Promise<void>;
}

/**
 * A webhook receiver that verifies the Terra signature of each delivery (401 otherwise), hands it to
 * `onDelivery`, and answers 200 after `delayMs` — a slow destination keeps deliveries in flight.
 */
export async function startSignedReceiver(
  options: { signingSecret: string; delayMs?: number },
  onDelivery: (delivery: SignedDelivery) => void,
): Promise<SignedReceiver> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const header = request.headers["terra-signature"];
      const check = verifyTerraSignature(Array.isArray(header) ? header[0] : header, raw, options.signingSecret);
      if (!check.ok) {
        response.writeHead(401).end(check.reason);
        return;
      }
      onDelivery({ raw, payload: JSON.parse(raw.toString("utf8")) as DeliveryPayload, request, response });
      setTimeout(() => response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
