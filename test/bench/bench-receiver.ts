import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyTerraSignature } from "@tributary/core/contracts";

const SUMMARY_ID = /"summary_id":"([^"]+)"/g;

/**
 * The local webhook destination's receiver: verifies each signature like a real consumer, then notes when
 * every record (by summary id: the benchmark pushes activities) first arrived.
 */
export async function startBenchReceiver(secret: string) {
  const arrivals = new Map<string, number>();
  let payloads = 0;
  let rejected = 0;
  // Keys a waitForKeys call still expects: each arrival ticks one off, so waiting costs no polling.
  let awaited: { keys: Set<string>; done: () => void } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      if (!verifyTerraSignature(req.headers["terra-signature"] as string, raw, secret).ok) {
        rejected++;
        return void res.writeHead(401).end();
      }
      res.writeHead(200).end();
      const now = performance.now();
      payloads++;
      // The harness shares the 2 cores with the system under test, so it finds the benchmark's keys (the
      // activities' summary ids) by scanning the verified bytes instead of building the whole object tree.
      const text = raw.toString();
      for (const match of text.matchAll(SUMMARY_ID)) {
        const key = match[1]!;
        if (arrivals.has(key)) continue;
        arrivals.set(key, now);
        if (awaited?.keys.delete(key) && awaited.keys.size === 0) awaited.done();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/terra`,
    arrivals,
    stats: () => ({ payloads, rejected, records: arrivals.size }),
    reset() {
      arrivals.clear();
      payloads = 0;
      rejected = 0;
    },
    /**
     * Resolves with how many of `keys` had not arrived when every one of them had (0), or when
     * `timeoutMs` ran out: records still missing are counted, never timed.
     */
    async waitForKeys(keys: readonly string[], timeoutMs: number): Promise<number> {
      const missing = new Set(keys.filter((key) => !arrivals.has(key)));
      if (missing.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          awaited = { keys: missing, done: resolve };
          timer = setTimeout(resolve, timeoutMs);
        });
        clearTimeout(timer);
        awaited = undefined;
      }
      return missing.size;
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
