import { fileURLToPath } from "node:url";
import { loadMockFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile } from "@tributary/core/spec";
import { testConnector } from "@tributary/test-kit/connector";

const LEDGER_DIR = fileURLToPath(new URL("./ledger", import.meta.url));
const ledger = () => loadConnectorFile(LEDGER_DIR);

// The transaction tests' connector passes the suite every connector passes: windows (the list) and a poll through
// its transactions; transactions.test.ts and ../runtime/transaction-pull.test.ts test the transactions further.
testConnector(ledger, {
  fixtures: () => loadMockFixtures(`${LEDGER_DIR}/fixtures`, ledger().spec),
  user: "member-1",
  window: { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") },
  now: () => Date.parse("2026-03-31T12:00:00Z"),
});
