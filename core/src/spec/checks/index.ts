import type { ConnectorSpec } from "@tributary/schemas";
import type { ConnectorHooks } from "../hooks.ts";
import type { SpecFinding } from "../spec-finding.ts";
import { checkAuth } from "./auth.ts";
import type { Check } from "./check.ts";
import { checkDataFlow } from "./data-flow.ts";
import { checkHttp } from "./http.ts";
import { checkStreams } from "./streams.ts";
import { checkSubscription } from "./subscription.ts";
import { checkSync } from "./sync.ts";
import { checkTemplates } from "./templates.ts";
import { checkWebhook } from "./webhook.ts";

export { checkHookShapes } from "./hook-shapes.ts";

const CHECKS: readonly Check[] = [checkDataFlow, checkStreams, checkWebhook, checkSubscription, checkSync, checkTemplates, checkHttp, checkAuth];

/**
 * What the meta-schema cannot say: the parts of a spec (and its hooks) agree with each other. Runs on a
 * spec the meta-schema accepted; one finding per mistake.
 */
export function checkSemantics(spec: ConnectorSpec, hooks: ConnectorHooks): SpecFinding[] {
  const findings: SpecFinding[] = [];
  for (const check of CHECKS) {
    check({ spec, hooks }, (path, message, atKey) => findings.push({ path, message, ...(atKey ? { atKey } : {}) }));
  }
  return findings;
}
