import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyTerraSignature, type DeliveryPayload } from "@tributary/core/contracts";

export interface Arrival {
  payload: DeliveryPayload;
  traceId: string | undefined;
  /** The `terra-reference` header: the data request the payload answers. */
  reference: string | undefined;
  /** The `x-terra-ordering-timestamp` header, as a number. */
  orderingTimestamp: number;
  /** Size of the body as received, in bytes. */
  bytes: number;
  /** Set once the 200 has been written to the worker (false while the answer is delayed). */
  answered: boolean;
}

export interface RecordingReceiver {
  url: string;
  /** Every verified payload, in arrival order (a redelivery appears again). */
  arrivals: Arrival[];
  close(): Promise<void>;
}

/**
 * A webhook receiver that verifies the Terra signature, keeps what arrives, and answers 200 after
 * `delayMs` — a slow receiver keeps deliveries in flight, so a worker can be stopped in the middle of one.
 */
export async function startRecordingReceiver(options: { signingSecret: string; delayMs?: number }): Promise<RecordingReceiver> {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((request, response) => {
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
      const arrival: Arrival = {
        payload: JSON.parse(raw.toString("utf8")),
        traceId: request.headers["x-terra-trace-id"] as string | undefined,
        reference: request.headers["terra-reference"] as string | undefined,
        orderingTimestamp: Number(request.headers["x-terra-ordering-timestamp"]),
        bytes: raw.length,
        answered: false,
      };
      arrivals.push(arrival);
      response.on("finish", () => (arrival.answered = true));
      setTimeout(() => response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
