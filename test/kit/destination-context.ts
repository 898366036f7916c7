import type { Destination, DestinationContext } from "@tributary/core/contracts";
import { silentLogger } from "@tributary/core/log";

/** A DestinationContext for tests: logs go nowhere, `lookup` sees only the destinations given. */
export function testContext(name: string, others: Record<string, Destination> = {}): DestinationContext {
  return { name, log: silentLogger(), lookup: (other) => others[other] };
}
