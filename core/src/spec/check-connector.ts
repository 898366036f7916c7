import type { ConnectorSpec } from "@tributary/schemas";
import { checkHookShapes, checkSemantics } from "./checks/index.ts";
import { checkSchema } from "./check-schema.ts";
import type { ConnectorHooks } from "./hooks.ts";
import { checkIcon } from "./icon.ts";
import type { SpecFinding } from "./spec-finding.ts";

/**
 * Every check of a connector, in order: its hooks' shape, the meta-schema, then (on a spec the
 * meta-schema accepts, so the rest can rely on its shape) the cross-checks and the icon.
 */
export function checkConnector(value: unknown, hooks: unknown, dir: string | undefined): { spec?: ConnectorSpec; findings: SpecFinding[] } {
  const findings = checkHookShapes(hooks);
  const schemaFindings = checkSchema(value);
  if (schemaFindings.length > 0) return { findings: [...findings, ...schemaFindings] };
  const spec = value as ConnectorSpec;
  const usableHooks = findings.length === 0 ? ((hooks ?? {}) as ConnectorHooks) : {};
  findings.push(...checkSemantics(spec, usableHooks), ...checkIcon(spec.icon, dir));
  return { spec, findings };
}
