import type { Destination, DestinationContext, Logger } from "@tributary/core/contracts";

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child: () => quiet };

/** A DestinationContext for tests: logs go nowhere, `lookup` sees only the destinations given. */
export function testContext(name: string, others: Record<string, Destination> = {}): DestinationContext {
  return { name, log: quiet as unknown as Logger, lookup: (other) => others[other] };
}
