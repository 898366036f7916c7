import { getSchemaRegistry } from "../registry/default-registry.ts";
import { isSchemaRegistryError } from "../registry/errors.ts";
import type { ValidationIssue } from "../registry/issues.ts";
import type { SchemaRegistry } from "../registry/registry.ts";
import { extractSpecExamples } from "./extract.ts";
import type { SkippedSpecExample, SpecExample } from "./types.ts";

export interface SpecExampleResult {
  example: SpecExample;
  ok: boolean;
  /** Issues per target that rejected the example. */
  failures: Array<{ target: string; issues: ValidationIssue[] }>;
}

export interface SpecCheckReport {
  passed: number;
  failed: number;
  results: SpecExampleResult[];
  skipped: SkippedSpecExample[];
  /** Printable report: one line per example (failures followed by their issues), then the summary. */
  lines: string[];
}

/** Validates every Terra Standard example of a parsed OpenAPI document against the project schemas. */
export function checkSpecDocument(spec: unknown, registry: SchemaRegistry = getSchemaRegistry()): SpecCheckReport {
  const { examples, skipped } = extractSpecExamples(spec, (name) => registry.resolve(name));
  const results = examples.map((example) => checkExample(registry, example));
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.ok ? "✓" : "✗"} ${label(result.example)} → ${describeTargets(registry, result.example)}`);
    if (!result.ok) {
      for (const failure of result.failures) {
        for (const issue of failure.issues) lines.push(`    ${shortName(registry, failure.target)}: ${issue.message}`);
      }
    }
  }
  for (const skip of skipped) lines.push(`- skipped ${label(skip)}: ${skip.reason}`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  if (skipped.length > 0) lines.push(`${skipped.length} skipped (not Terra Standard payloads)`);
  lines.push(`${passed} passed, ${failed} failed`);
  return { passed, failed, results, skipped, lines };
}

function checkExample(registry: SchemaRegistry, example: SpecExample): SpecExampleResult {
  const failures = example.targets.flatMap((target) => validateAgainst(registry, target, example.value));
  const alternatives = example.anyOf ?? [];
  const alternativeFailures = alternatives.flatMap((target) => validateAgainst(registry, target, example.value));
  // Every `oneOf` arm failing is only worth reporting when the envelope did not already explain why.
  if (alternatives.length > 0 && alternativeFailures.length === alternatives.length) failures.push(...alternativeFailures);
  return { example, ok: failures.length === 0, failures };
}

function validateAgainst(registry: SchemaRegistry, target: string, value: unknown): SpecExampleResult["failures"] {
  try {
    const result = registry.validate(target, value);
    return result.ok ? [] : [{ target, issues: result.issues }];
  } catch (error) {
    // A property Terra documents but our schema lacks lands here: report it as a failure, not a crash.
    if (!isSchemaRegistryError(error)) throw error;
    return [{ target, issues: [{ path: "", rule: "schema", message: `no matching schema in the project (${error.message})` }] }];
  }
}

function describeTargets(registry: SchemaRegistry, example: SpecExample): string {
  const all = example.targets.map((t) => shortName(registry, t));
  const any = (example.anyOf ?? []).map((t) => shortName(registry, t));
  return [...all, ...(any.length > 0 ? [`one of (${any.join(" | ")})`] : [])].join(" + ");
}

function label(example: { location: string; name?: string }): string {
  return `${example.location} example${example.name === undefined ? "" : ` "${example.name}"`}`;
}

/** "https://.../objects/lap-sample.json#/properties/x" -> "LapSample#/properties/x". */
function shortName(registry: SchemaRegistry, target: string): string {
  const [base = target, fragment] = target.split("#");
  const title = registry.get(base)?.["title"];
  return `${typeof title === "string" ? title : base}${fragment === undefined ? "" : `#${fragment}`}`;
}
