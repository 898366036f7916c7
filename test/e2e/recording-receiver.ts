import type { DeliveryPayload } from "@tributary/core/contracts";
import { startSignedReceiver } from "./signed-receiver.ts";

export interface Arrival {
  payload: DeliveryPayload;
  traceId: string | undefined;
  /** The `terra-reference` header: the data request the payload answers. */
  reference: string | undefined;
  /** The `x-terra-ordering-timestamp` header, as a number. */
  orderingTimestamp: number;
  /** Size of the body as received, in bytes. */
  bytes: number;
  /** The body and headers exactly as received, for checks made the way a receiver of Terra's makes them. */
  raw: Buffer;
  headers: Record<string, string | string[] | undefined>;
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
  const receiver = await startSignedReceiver(options, ({ raw, payload, request, response }) => {
    const arrival: Arrival = {
      payload,
      traceId: request.headers["x-terra-trace-id"] as string | undefined,
      reference: request.headers["terra-reference"] as string | undefined,
      orderingTimestamp: Number(request.headers["x-terra-ordering-timestamp"]),
      bytes: raw.length,
      raw,
      headers: request.headers,
      answered: false,
    };
    arrivals.push(arrival);
    response.on("finish", () => (arrival.answered = true));
  });
  return { url: receiver.url, arrivals, close: receiver.close };
}
