import { CONNECTOR_SPEC_SCHEMA_ID, getSchemaRegistry, pathSegments } from "@tributary/schemas";
import type { SpecFinding } from "./spec-finding.ts";

const KEY_RULES = new Set(["additionalProperties", "propertyNames"]);

/** The spec against the connector meta-schema (through the one schema registry): every mistake, one each. */
export function checkSchema(value: unknown): SpecFinding[] {
  const result = getSchemaRegistry().validate(CONNECTOR_SPEC_SCHEMA_ID, value);
  if (result.ok) return [];
  return result.issues.map((issue) => {
    const prefix = `${issue.path === "" ? "(root)" : issue.path}: `;
    return {
      path: pathSegments(issue.path),
      message: issue.message.startsWith(prefix) ? issue.message.slice(prefix.length) : issue.message,
      atKey: KEY_RULES.has(issue.rule),
    };
  });
}
