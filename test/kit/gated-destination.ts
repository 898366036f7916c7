import type { Delivery, Destination } from "@tributary/core/contracts";

/**
 * Keeps what it is sent, in the order written; `refuse` decides which writes fail (and how) before they land.
 */
export function gatedDestination(): Destination & { received: Delivery[]; refuse?: (delivery: Delivery) => Error | undefined } {
  const received: Delivery[] = [];
  const gated: Destination & { received: Delivery[]; refuse?: (delivery: Delivery) => Error | undefined } = {
    name: "gated",
    type: "memory",
    received,
    write: async (batch) => {
      for (const delivery of batch) {
        const refused = gated.refuse?.(delivery);
        if (refused) throw refused;
      }
      received.push(...batch);
    },
    delete: async () => undefined,
    check: async () => undefined,
    close: async () => undefined,
  };
  return gated;
}
