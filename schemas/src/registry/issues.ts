import type { ErrorObject } from 'ajv/dist/2020.js';
import { ENUMS } from '../enums/index.ts';
import { FORMAT_DESCRIPTIONS } from '../formats.ts';
import { describeTypes, describeValue, literal } from './describe-value.ts';
import { displayPath, pointerToPath } from './issue-path.ts';

/** One problem with a payload, phrased for the engineer who has to fix the producer. */
export interface ValidationIssue {
  /** Where the problem is, e.g. "data[0].metadata.start_time" ("" for the payload itself). */
  path: string;
  /** The JSON Schema keyword that failed (ajv's `keyword`), e.g. "required", "type", "enum". */
  rule: string;
  /** The full sentence, starting with the path. */
  message: string;
}

/** Enum lists longer than this are cut short in messages. */
const MAX_LISTED_VALUES = 12;
const LISTED_WHEN_CUT = 8;

// Keywords whose failure only says "one of my branches failed"; the branch errors explain it better.
const COMBINATOR_KEYWORDS = new Set(['anyOf', 'oneOf', 'if', 'not']);
// Keywords that are moot once the value has the wrong type.
const VALUE_KEYWORDS = new Set(['enum', 'const', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems']);

const isUnder = (pointer: string, ancestor: string): boolean => pointer === ancestor || pointer.startsWith(`${ancestor}/`);
const isNullBranch = (error: ErrorObject): boolean => error.keyword === 'type' && error.schema === 'null';

/**
 * Turns ajv's errors into issues, dropping the noise that nullable fields (`anyOf: [X, null]`) and
 * branching produce so that one mistake yields one line.
 */
export function toIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
  const substantive = (e: ErrorObject) => !COMBINATOR_KEYWORDS.has(e.keyword) && !isNullBranch(e);
  const kept = errors.filter((error) => {
    if (COMBINATOR_KEYWORDS.has(error.keyword) || isNullBranch(error)) {
      // Keep a combinator/null-branch error only if nothing more specific explains the same spot.
      return !errors.some((other) => other !== error && substantive(other) && isUnder(other.instancePath, error.instancePath));
    }
    if (VALUE_KEYWORDS.has(error.keyword)) {
      return !errors.some((other) => other.keyword === 'type' && !isNullBranch(other) && other.instancePath === error.instancePath);
    }
    if (error.keyword === 'discriminator' && error.params['error'] === 'tag') {
      // A missing or non-string tag is already reported by `required` / `type` on the tag itself.
      const tag = String(error.params['tag']);
      return !errors.some((other) => other !== error && (isUnder(other.instancePath, `${error.instancePath}/${tag}`) || (other.keyword === 'required' && other.params['missingProperty'] === tag)));
    }
    return true;
  });

  // A discriminator mapping error and the tag's own `enum` error describe the same mistake.
  const withoutTagEnum = kept.filter((error) =>
    !(error.keyword === 'enum' && kept.some((d) => d.keyword === 'discriminator' && error.instancePath === `${d.instancePath}/${String(d.params['tag'])}`)),
  );

  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const issue of mergeTypeErrors(withoutTagEnum).map(toIssue)) {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/** `anyOf: [string, number]` failing yields one "expected a string or a number" instead of two lines. */
function mergeTypeErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const merged: ErrorObject[] = [];
  const byPath = new Map<string, ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== 'type') {
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

function toIssue(error: ErrorObject): ValidationIssue {
  const path = pointerToPath(error.instancePath);
  const where = displayPath(path);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const issue = (message: string, at = path): ValidationIssue => ({ path: at, rule: error.keyword, message });

  switch (error.keyword) {
    case 'required':
      return issue(`${where}: missing required field "${String(params['missingProperty'])}"`);
    case 'type': {
      const enumTitle = typeof parent['title'] === 'string' && ENUMS[parent['title']] ? ` (${parent['title']} code)` : '';
      return issue(`${where}: expected ${describeTypes(typesOf(error.schema))}${enumTitle}, got ${describeValue(error.data)}`);
    }
    case 'enum':
      return issue(`${where}: ${enumMessage(error.data, parent, params)}`);
    case 'const':
      return issue(`${where}: expected ${literal(params['allowedValue'])}, got ${describeValue(error.data)}`);
    case 'format': {
      const format = String(params['format']);
      return issue(`${where}: ${literal(error.data)} is not ${FORMAT_DESCRIPTIONS[format] ?? `a valid ${format}`}`);
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return issue(`${where}: ${literal(error.data)} is below the minimum of ${String(params['limit'])}`);
    case 'maximum':
    case 'exclusiveMaximum':
      return issue(`${where}: ${literal(error.data)} is above the maximum of ${String(params['limit'])}`);
    case 'minLength':
      return issue(params['limit'] === 1 ? `${where}: must not be empty` : `${where}: must be at least ${String(params['limit'])} characters long`);
    case 'minItems':
      return issue(`${where}: expected at least ${String(params['limit'])} items, got ${describeValue(error.data)}`);
    case 'maxItems':
      return issue(`${where}: expected at most ${String(params['limit'])} items, got ${describeValue(error.data)}`);
    case 'discriminator': {
      // ajv's params: `tag` is the property name, `tagValue` what the payload had there.
      const tag = String(params['tag'] ?? 'type');
      const tagPath = path === '' ? tag : `${path}.${tag}`;
      if (params['error'] === 'tag') return issue(`${displayPath(tagPath)}: expected a string naming the event type`, tagPath);
      const known = knownTagValues(parent, tag);
      const expected = known.length > 0 ? ` (expected one of ${known.join(', ')})` : '';
      return issue(`${displayPath(tagPath)}: ${literal(params['tagValue'])} is not a known event type${expected}`, tagPath);
    }
    case 'additionalProperties':
      return issue(`${where}: unexpected field "${String(params['additionalProperty'])}"`);
    default:
      return issue(`${where}: ${error.message ?? `fails the "${error.keyword}" rule`}`);
  }
}

function enumMessage(value: unknown, parent: Record<string, unknown>, params: Record<string, unknown>): string {
  const title = parent['title'];
  const table = typeof title === 'string' ? ENUMS[title] : undefined;
  const allowed = (params['allowedValues'] as unknown[] | undefined) ?? [];
  if (table !== undefined) {
    const rendered = table.kind === 'integer' ? table.codes.map((code) => table.describe(code)) : table.codes.map(String);
    return `${literal(value)} is not a known ${table.title} (expected one of ${shortList(rendered)})`;
  }
  const rendered = allowed.map((v) => (typeof v === 'string' ? v : literal(v)));
  if (typeof title === 'string') return `${literal(value)} is not a known ${title} (expected one of ${shortList(rendered)})`;
  return `${literal(value)} is not one of the allowed values (${shortList(rendered)})`;
}

function shortList(values: readonly string[]): string {
  return (values.length > MAX_LISTED_VALUES ? [...values.slice(0, LISTED_WHEN_CUT), `… (${values.length} values)`] : values).join(', ');
}

function knownTagValues(parent: Record<string, unknown>, tag: string): string[] {
  const properties = parent['properties'] as Record<string, { enum?: unknown[] }> | undefined;
  return (properties?.[tag]?.enum ?? []).map(String);
}

/** Issues as text, one per line. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => issue.message).join('\n');
}
