import { payloadRecords, payloadUserId } from "@tributary/core/contracts";
import { startSignedReceiver } from "./signed-receiver.ts";

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
  const receiver = await startSignedReceiver(options, ({ raw, payload, request }) => {
    entries.push({
      traceId: request.headers["x-terra-trace-id"] as string | undefined,
      type: payload.type,
      userId: payloadUserId(payload),
      reference: request.headers["terra-reference"] as string | undefined,
      keys: payloadRecords(payload).map(({ key }) => `${key.type}/${key.key}`),
      bytes: raw.length,
      ...(typeof payload.expected_payloads === "number" ? { expectedPayloads: payload.expected_payloads } : {}),
    });
  });
  return {
    url: receiver.url,
    entries,
    delivered() {
      const counts = new Map<string, number>();
      for (const entry of entries) for (const key of entry.keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts;
    },
    close: receiver.close,
  };
}
