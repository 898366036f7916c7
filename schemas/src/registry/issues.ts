import type { ErrorObject } from "ajv/dist/2020.js";
import { ENUMS } from "../enums/index.ts";
import { FORMAT_DESCRIPTIONS } from "../formats.ts";
import { closestName } from "./closest-name.ts";
import { describeTypes, describeValue, literal } from "./describe-value.ts";
import { childPointer, displayPath, pointerToPath } from "./issue-path.ts";

/** One problem with a payload, phrased for the engineer who has to fix the producer. */
export interface ValidationIssue {
  /** Where the problem is, e.g. "data[0].metadata.start_time" ("" for the payload itself). */
  path: string;
  /** The JSON Schema keyword that failed (ajv's `keyword`), e.g. "required", "type", "enum". */
  rule: string;
  /** The full sentence, starting with the path. */
  message: string;
}

/**
 * The annotation keyword a schema uses to say in words what a value must look like, where its rules alone
 * would read badly ("must match pattern ^(/.*)?$"): on a string with a `pattern`, or on a union, whose
 * failure then reads "expected <text>, got …" instead of one line per branch.
 */
export const EXPECTED_KEYWORD = "expected";

/** Enum lists longer than this are cut short in messages. */
const MAX_LISTED_VALUES = 12;
const LISTED_WHEN_CUT = 8;

// Keywords whose failure only says "one of my branches failed"; the branch errors explain it better.
const COMBINATOR_KEYWORDS = new Set(["anyOf", "oneOf", "if", "not"]);
const UNION_KEYWORDS = new Set(["anyOf", "oneOf"]);
// Keywords that are moot once the value has the wrong type.
const VALUE_KEYWORDS = new Set([
  "enum",
  "const",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
]);
// Failures that only say "this branch is for another kind of value".
const MISMATCH_KEYWORDS = new Set(["type", "const"]);

/** An error this module has already put into words (a union described by its schema, a choice of keys). */
const EXPLAINED = Symbol("explained");
type Finding = ErrorObject & { [EXPLAINED]?: string };

const isUnder = (pointer: string, ancestor: string): boolean => pointer === ancestor || pointer.startsWith(`${ancestor}/`);
const isStrictlyUnder = (pointer: string, ancestor: string): boolean => pointer.startsWith(`${ancestor}/`);
const isNullBranch = (error: ErrorObject): boolean => error.keyword === "type" && error.schema === "null";
const isBranchOf = (error: ErrorObject, union: ErrorObject): boolean => error.schemaPath.startsWith(`${union.schemaPath}/`);
const schemaOf = (schemaPath: string): string => schemaPath.slice(0, schemaPath.lastIndexOf("/"));
const asRecord = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {});
const expectedText = (schema: unknown): string | undefined => {
  const text = asRecord(schema)[EXPECTED_KEYWORD];
  return typeof text === "string" ? text : undefined;
};

/**
 * Turns ajv's errors into issues, dropping the noise that nullable fields (`anyOf: [X, null]`), unions
 * and branching produce so that one mistake yields one line.
 */
export function toIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
  // Titles of unions, read before their errors are dropped: `"x" is not a known data type` for merged consts.
  const unionTitles = new Map<string, string>();
  for (const error of errors) {
    const title = asRecord(error.parentSchema)["title"];
    if (UNION_KEYWORDS.has(error.keyword) && typeof title === "string") unionTitles.set(error.instancePath, title);
  }

  let findings: Finding[] = [...errors];
  findings = explainKeyChoices(findings);
  findings = explainDescribedUnions(findings);
  findings = dropMootValueErrors(findings);
  findings = dropBranchesForOtherKinds(findings);
  findings = dropCombinators(findings);
  findings = dropTagNoise(findings);
  findings = dropPropertyNameWrappers(findings);

  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const issue of mergeTypeErrors(mergeConstErrors(findings, unionTitles)).map(toIssue)) {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/**
 * A `oneOf` whose every branch only requires one key ("exactly one of path, var, expr, value") fails with
 * one `required` per key, or with no detail at all when several are present: say which keys are meant.
 */
function explainKeyChoices(findings: Finding[]): Finding[] {
  const explained = new Map<Finding, Finding>();
  for (const error of findings) {
    const keys = keyChoice(error);
    if (keys === undefined) continue;
    const present = keys.filter((key) => Object.hasOwn(asRecord(error.data), key));
    const listed = keys.map((key) => JSON.stringify(key)).join(", ");
    const exactly = error.keyword === "oneOf";
    const message =
      present.length === 0
        ? `expected ${exactly ? "exactly" : "at least"} one of the fields ${listed}`
        : `expected only one of the fields ${listed}, got ${joinAnd(present.map((key) => JSON.stringify(key)))}`;
    explained.set(error, { ...error, [EXPLAINED]: message });
  }
  if (explained.size === 0) return findings;
  const unions = [...explained.keys()];
  return findings.filter((error) => !unions.some((union) => union !== error && isBranchOf(error, union))).map((error) => explained.get(error) ?? error);
}

function keyChoice(error: ErrorObject): string[] | undefined {
  if (!UNION_KEYWORDS.has(error.keyword) || !Array.isArray(error.schema) || error.schema.length < 2) return undefined;
  const keys: string[] = [];
  for (const branch of error.schema as unknown[]) {
    const schema = asRecord(branch);
    const required = schema["required"];
    if (!Array.isArray(required) || required.length !== 1 || Object.keys(schema).some((k) => k !== "required" && k !== "properties")) return undefined;
    keys.push(String(required[0]));
  }
  return keys;
}

/** A union that says what it expects (`expected`) and whose branches all failed at its own level: one line. */
function explainDescribedUnions(findings: Finding[]): Finding[] {
  const unions = findings.filter(
    (error) => UNION_KEYWORDS.has(error.keyword) && error[EXPLAINED] === undefined && expectedText(error.parentSchema) !== undefined,
  );
  let result = findings;
  for (const union of unions) {
    if (!result.includes(union)) continue; // a branch of an outer union that went deeper
    const wentDeeper = result.some((error) => isStrictlyUnder(error.instancePath, union.instancePath) && isBranchOf(error, union) && !isNullBranch(error));
    if (wentDeeper) {
      // A branch fit the value's shape: its own errors say what is wrong inside; the others are noise.
      result = result.filter((error) => !(error.instancePath === union.instancePath && isBranchOf(error, union)));
      continue;
    }
    const message = `expected ${expectedText(union.parentSchema)}, got ${describeValue(union.data)}`;
    result = result.filter((error) => !isBranchOf(error, union)).map((error) => (error === union ? { ...union, [EXPLAINED]: message } : error));
  }
  return result;
}

/** `{type: string, enum: […]}` given 5 fails both; the enum says nothing more. */
function dropMootValueErrors(findings: Finding[]): Finding[] {
  return findings.filter(
    (error) =>
      !(
        VALUE_KEYWORDS.has(error.keyword) &&
        findings.some(
          (other) =>
            other.keyword === "type" &&
            !isNullBranch(other) &&
            other.instancePath === error.instancePath &&
            schemaOf(other.schemaPath) === schemaOf(error.schemaPath),
        )
      ),
  );
}

/**
 * In a union, a branch for another kind of value (an array where the value is an object, another literal)
 * fails with a bare type/const mismatch; once some branch got further (an error inside the value, or a
 * rule other than its type), those mismatches are noise.
 */
function dropBranchesForOtherKinds(findings: Finding[]): Finding[] {
  const unionPaths = new Set(findings.filter((error) => UNION_KEYWORDS.has(error.keyword)).map((error) => error.instancePath));
  const progress = (at: string) =>
    findings.some(
      (other) =>
        !COMBINATOR_KEYWORDS.has(other.keyword) &&
        !isNullBranch(other) &&
        other.propertyName === undefined &&
        (isStrictlyUnder(other.instancePath, at) || (other.instancePath === at && (!MISMATCH_KEYWORDS.has(other.keyword) || other[EXPLAINED] !== undefined))),
    );
  return findings.filter((error) => !(MISMATCH_KEYWORDS.has(error.keyword) && unionPaths.has(error.instancePath) && progress(error.instancePath)));
}

/** Keep a combinator/null-branch error only if nothing more specific explains the same spot. */
function dropCombinators(findings: Finding[]): Finding[] {
  const substantive = (e: Finding) => e[EXPLAINED] !== undefined || (!COMBINATOR_KEYWORDS.has(e.keyword) && !isNullBranch(e));
  return findings.filter((error) => {
    if (error[EXPLAINED] !== undefined) return true;
    if (!COMBINATOR_KEYWORDS.has(error.keyword) && !isNullBranch(error)) return true;
    return !findings.some((other) => other !== error && substantive(other) && isUnder(other.instancePath, error.instancePath));
  });
}

function dropTagNoise(findings: Finding[]): Finding[] {
  const kept = findings.filter((error) => {
    if (error.keyword !== "discriminator" || error.params["error"] !== "tag") return true;
    // A missing or non-string tag is already reported by `required` / `type` on the tag itself.
    const tag = String(error.params["tag"]);
    return !findings.some(
      (other) =>
        other !== error &&
        (isUnder(other.instancePath, `${error.instancePath}/${tag}`) || (other.keyword === "required" && other.params["missingProperty"] === tag)),
    );
  });
  // A discriminator mapping error and the tag's own `enum` error describe the same mistake.
  return kept.filter(
    (error) =>
      !(error.keyword === "enum" && kept.some((d) => d.keyword === "discriminator" && error.instancePath === `${d.instancePath}/${String(d.params["tag"])}`)),
  );
}

/** ajv reports a bad key twice: the rule the name broke (with `propertyName`) and a generic wrapper. */
function dropPropertyNameWrappers(findings: Finding[]): Finding[] {
  return findings.filter(
    (error) => !(error.keyword === "propertyNames" && findings.some((other) => other.propertyName !== undefined && other.instancePath === error.instancePath)),
  );
}

/** A union of literals (`"GET" | "POST" | …`) fails once per literal: one line listing them all. */
function mergeConstErrors(findings: Finding[], unionTitles: ReadonlyMap<string, string>): Finding[] {
  const byPath = new Map<string, Finding[]>();
  for (const error of findings) {
    if (error.keyword !== "const" || error.propertyName !== undefined) continue;
    const group = byPath.get(error.instancePath) ?? [];
    group.push(error);
    byPath.set(error.instancePath, group);
  }
  const merged: Finding[] = [];
  for (const error of findings) {
    const group = error.keyword === "const" ? byPath.get(error.instancePath) : undefined;
    if (group === undefined || group.length < 2) {
      merged.push(error);
      continue;
    }
    if (group[0] !== error) continue;
    const allowed = group.map((e) => e.params["allowedValue"]);
    const title = unionTitles.get(error.instancePath);
    merged.push({ ...error, [EXPLAINED]: allowedValuesMessage(error.data, allowed, title) });
  }
  return merged;
}

/** `anyOf: [string, number]` failing yields one "expected a string or a number" instead of two lines. */
function mergeTypeErrors(errors: readonly Finding[]): Finding[] {
  const merged: Finding[] = [];
  const byPath = new Map<string, Finding>();
  for (const error of errors) {
    if (error.keyword !== "type" || expectedText(error.parentSchema) !== undefined) {
      merged.push(error);
      continue;
    }
    const existing = byPath.get(error.instancePath);
    if (existing === undefined) {
      const copy = { ...error, schema: typesOf(error.schema) };
      byPath.set(error.instancePath, copy);
      merged.push(copy);
    } else {
      existing.schema = [...new Set([...typesOf(existing.schema), ...typesOf(error.schema)])];
    }
  }
  return merged;
}

const typesOf = (schema: unknown): string[] => (Array.isArray(schema) ? schema.map(String) : [String(schema)]);

function toIssue(error: Finding): ValidationIssue {
  const path = pointerToPath(error.instancePath);
  const where = displayPath(path);
  const params = error.params as Record<string, unknown>;
  const parent = asRecord(error.parentSchema);
  const issue = (message: string, at = path): ValidationIssue => ({ path: at, rule: error.keyword, message });
  const expected = expectedText(parent);

  if (error[EXPLAINED] !== undefined) return issue(`${where}: ${error[EXPLAINED]}`);
  if (error.propertyName !== undefined) return propertyNameIssue(error, parent);

  switch (error.keyword) {
    case "required":
      return requiredIssue(error, parent);
    case "type": {
      if (expected !== undefined) return issue(`${where}: expected ${expected}, got ${describeValue(error.data)}`);
      const enumTitle = typeof parent["title"] === "string" && ENUMS[parent["title"]] ? ` (${parent["title"]} code)` : "";
      return issue(`${where}: expected ${describeTypes(typesOf(error.schema))}${enumTitle}, got ${describeValue(error.data)}`);
    }
    case "enum":
      return issue(`${where}: ${enumMessage(error.data, parent, params)}`);
    case "const":
      return issue(`${where}: expected ${literal(params["allowedValue"])}, got ${describeValue(error.data)}`);
    case "pattern":
      return issue(
        expected !== undefined
          ? `${where}: expected ${expected}, got ${describeValue(error.data)}`
          : `${where}: ${literal(error.data)} does not match the pattern ${String(params["pattern"])}`,
      );
    case "format": {
      const format = String(params["format"]);
      return issue(`${where}: ${literal(error.data)} is not ${FORMAT_DESCRIPTIONS[format] ?? `a valid ${format}`}`);
    }
    case "minimum":
    case "exclusiveMinimum":
      return issue(
        `${where}: ${literal(error.data)} is below the ${error.keyword === "minimum" ? "minimum" : "exclusive minimum"} of ${String(params["limit"])}`,
      );
    case "maximum":
    case "exclusiveMaximum":
      return issue(`${where}: ${literal(error.data)} is above the maximum of ${String(params["limit"])}`);
    case "minLength":
      return issue(params["limit"] === 1 ? `${where}: must not be empty` : `${where}: must be at least ${String(params["limit"])} characters long`);
    case "maxLength":
      return issue(`${where}: must be at most ${String(params["limit"])} characters long`);
    case "minItems":
      return issue(`${where}: expected at least ${String(params["limit"])} item${params["limit"] === 1 ? "" : "s"}, got ${describeValue(error.data)}`);
    case "maxItems":
      return issue(`${where}: expected at most ${String(params["limit"])} items, got ${describeValue(error.data)}`);
    case "minProperties":
      return issue(`${where}: expected at least ${String(params["limit"])} entr${params["limit"] === 1 ? "y" : "ies"}`);
    case "uniqueItems": {
      const duplicate = Array.isArray(error.data) ? (error.data as unknown[])[Number(params["i"])] : undefined;
      return issue(`${where}: items ${String(params["j"])} and ${String(params["i"])} are the same (${literal(duplicate)}); list each once`);
    }
    case "discriminator":
      return discriminatorIssue(error, parent);
    case "additionalProperties":
      return additionalPropertyIssue(error, parent);
    default:
      return issue(`${where}: ${error.message ?? `fails the "${error.keyword}" rule`}`);
  }
}

/**
 * A missing field. Objects a person writes (closed ones, and the documented tag of a tagged union: the
 * connector spec) name the field itself and say what it is for; the Terra Standard's open objects name
 * the object that lacks it.
 */
function requiredIssue(error: ErrorObject, parent: Record<string, unknown>): ValidationIssue {
  const missing = String(error.params["missingProperty"]);
  const property = asRecord(asRecord(parent["properties"])[missing]);
  const description = typeof property["description"] === "string" ? firstClause(property["description"]) : "";
  const isDocumentedTag = asRecord(parent["discriminator"])["propertyName"] === missing && description !== "";
  if (parent["additionalProperties"] !== false && !isDocumentedTag) {
    return {
      path: pointerToPath(error.instancePath),
      rule: "required",
      message: `${displayPath(pointerToPath(error.instancePath))}: missing required field "${missing}"`,
    };
  }
  const path = pointerToPath(childPointer(error.instancePath, missing));
  const what = description !== "" ? ` — ${description}` : describeExpected(property);
  return { path, rule: "required", message: `${path}: required${what}` };
}

/** " (a string)", " (one of a, b)" — what a required field without documentation holds. */
function describeExpected(schema: Record<string, unknown>): string {
  const text = expectedText(schema);
  if (text !== undefined) return ` (${text})`;
  if (schema["const"] !== undefined) return ` (${literal(schema["const"])})`;
  if (Array.isArray(schema["enum"])) return ` (one of ${shortList(schema["enum"].map(String))})`;
  if (Array.isArray(schema["anyOf"]) && schema["anyOf"].every((branch) => asRecord(branch)["const"] !== undefined)) {
    return ` (one of ${shortList(schema["anyOf"].map((branch) => String(asRecord(branch)["const"])))})`;
  }
  return typeof schema["type"] === "string" || Array.isArray(schema["type"]) ? ` (${describeTypes(typesOf(schema["type"]))})` : "";
}

/** A bad key of a map, reported at the key: `streams.activty: "activty" is not a known data type …`. */
function propertyNameIssue(error: ErrorObject, parent: Record<string, unknown>): ValidationIssue {
  const name = String(error.propertyName);
  const path = pointerToPath(childPointer(error.instancePath, name));
  const params = error.params as Record<string, unknown>;
  const expected = expectedText(parent);
  let message: string;
  if (expected !== undefined) message = `expected a key that is ${expected}`;
  else if (error.keyword === "enum") message = enumMessage(name, parent, params);
  else if (error.keyword === "pattern") message = `${literal(name)} does not match the pattern ${String(params["pattern"])}`;
  else message = `${literal(name)} is not an allowed key (${error.message ?? error.keyword})`;
  return { path, rule: "propertyNames", message: `${path}: ${message}` };
}

function additionalPropertyIssue(error: ErrorObject, parent: Record<string, unknown>): ValidationIssue {
  const field = String(error.params["additionalProperty"]);
  const path = pointerToPath(childPointer(error.instancePath, field));
  const known = Object.keys(asRecord(parent["properties"]));
  const suggestion = closestName(field, known);
  const hint = suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : "";
  const list = known.length > 0 ? `; known fields: ${known.join(", ")}` : "";
  return { path, rule: "additionalProperties", message: `${path}: unknown field${hint}${list}` };
}

function discriminatorIssue(error: ErrorObject, parent: Record<string, unknown>): ValidationIssue {
  // ajv's params: `tag` is the property name, `tagValue` what the data had there.
  const tag = String(error.params["tag"] ?? "type");
  const base = pointerToPath(error.instancePath);
  const tagPath = base === "" ? tag : pointerToPath(childPointer(error.instancePath, tag));
  const tagSchema = asRecord(asRecord(parent["properties"])[tag]);
  const noun = typeof tagSchema["title"] === "string" ? tagSchema["title"] : tag.replaceAll("_", " ");
  const issue = (message: string): ValidationIssue => ({ path: tagPath, rule: "discriminator", message: `${displayPath(tagPath)}: ${message}` });
  if (error.params["error"] === "tag") return issue(`expected a string naming the ${noun}`);
  const known = Array.isArray(tagSchema["enum"]) ? tagSchema["enum"].map(String) : [];
  const expected = known.length > 0 ? ` (expected one of ${known.join(", ")})` : "";
  return issue(`${literal(error.params["tagValue"])} is not a known ${noun}${expected}`);
}

function enumMessage(value: unknown, parent: Record<string, unknown>, params: Record<string, unknown>): string {
  const title = parent["title"];
  const table = typeof title === "string" ? ENUMS[title] : undefined;
  if (table !== undefined) {
    const rendered = table.kind === "integer" ? table.codes.map((code) => table.describe(code)) : table.codes.map(String);
    return `${literal(value)} is not a known ${table.title} (expected one of ${shortList(rendered)})`;
  }
  return allowedValuesMessage(value, (params["allowedValues"] as unknown[] | undefined) ?? [], typeof title === "string" ? title : undefined);
}

function allowedValuesMessage(value: unknown, allowed: readonly unknown[], title: string | undefined): string {
  const rendered = allowed.map((v) => (typeof v === "string" ? v : literal(v)));
  if (title !== undefined) return `${literal(value)} is not a known ${title} (expected one of ${shortList(rendered)})`;
  return `${literal(value)} is not one of the allowed values (${shortList(rendered)})`;
}

function shortList(values: readonly string[]): string {
  return (values.length > MAX_LISTED_VALUES ? [...values.slice(0, LISTED_WHEN_CUT), `… (${values.length} values)`] : values).join(", ");
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * The first clause of a field's documentation, as the end of a sentence: "Where the response holds the
 * next cursor; paging stops …" → "where the response holds the next cursor".
 */
function firstClause(description: string): string {
  const text = description.split("@default")[0]?.trim() ?? "";
  const clause = (text.split(/;\s|\.\s|\.$/)[0] ?? "").trim();
  return /^[A-Z][a-z]/.test(clause) ? `${clause[0]?.toLowerCase()}${clause.slice(1)}` : clause;
}

/** Issues as text, one per line. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => issue.message).join("\n");
}
