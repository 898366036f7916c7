import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { payloadRecords, payloadUserId, verifyTerraSignature, type DeliveryPayload } from "@tributary/core/contracts";

/** What a ledger keeps of one delivery: enough to reconcile, not the payload (long pulls deliver hundreds of MB). */
export interface LedgerEntry {
  traceId: string | undefined;
  type: string;
  userId: string | undefined;
  reference: string | undefined;
  /** `<type>/<natural key>` of every record it carried. */
  keys: string[];
  bytes: number;
  /** Lifecycle fields worth checking (expected_payloads). */
  expectedPayloads?: number;
}

export interface LedgerReceiver {
  url: string;
  entries: LedgerEntry[];
  /** Natural keys delivered so far, with how often each arrived. */
  delivered(): Map<string, number>;
  close(): Promise<void>;
}

/**
 * A webhook receiver that verifies the Terra signature of each delivery and keeps a ledger entry for it,
 * answering after `delayMs` (a slow destination keeps deliveries in flight).
 */
export async function startLedgerReceiver(options: { signingSecret: string; delayMs?: number }): Promise<LedgerReceiver> {
  const entries: LedgerEntry[] = [];
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
      const payload = JSON.parse(raw.toString("utf8")) as DeliveryPayload;
      entries.push({
        traceId: request.headers["x-terra-trace-id"] as string | undefined,
        type: payload.type,
        userId: payloadUserId(payload),
        reference: request.headers["terra-reference"] as string | undefined,
        keys: payloadRecords(payload).map(({ key }) => `${key.type}/${key.key}`),
        bytes: raw.length,
        ...(typeof payload.expected_payloads === "number" ? { expectedPayloads: payload.expected_payloads } : {}),
      });
      setTimeout(() => response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    entries,
    delivered() {
      const counts = new Map<string, number>();
      for (const entry of entries) for (const key of entry.keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
