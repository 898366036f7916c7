import { closestName } from "@tributary/schemas";
import { HOOK_KINDS } from "../hooks.ts";
import type { SpecFinding } from "../spec-finding.ts";

/** The hooks object of a TypeScript connector: known kinds, and functions where functions belong. */
export function checkHookShapes(hooks: unknown): SpecFinding[] {
  if (hooks === undefined) return [];
  const findings: SpecFinding[] = [];
  if (hooks === null || typeof hooks !== "object" || Array.isArray(hooks)) {
    return [{ path: ["hooks"], message: "expected an object of hooks: { read, map, transform, verify }" }];
  }
  for (const [kind, value] of Object.entries(hooks)) {
    if (!(HOOK_KINDS as readonly string[]).includes(kind)) {
      const close = closestName(kind, HOOK_KINDS);
      findings.push({
        path: ["hooks", kind],
        message: `unknown hook kind${close ? ` (did you mean "${close}"?)` : ""}; known kinds: ${HOOK_KINDS.join(", ")}`,
        atKey: true,
      });
    } else if (kind === "verify") {
      if (typeof value !== "function") findings.push({ path: ["hooks", kind], message: "expected a function (request, secret) → boolean" });
    } else if (value === null || typeof value !== "object" || Array.isArray(value)) {
      findings.push({ path: ["hooks", kind], message: `expected an object of functions keyed by ${kind === "map" ? "mapping" : "stream"} name` });
    } else {
      for (const [name, hook] of Object.entries(value)) {
        if (typeof hook !== "function") findings.push({ path: ["hooks", kind, name], message: "expected a function" });
      }
    }
  }
  return findings;
}
