import type { ResponseAction, ResponseRule } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { compilePointer } from "../spec/pointer.ts";

/** What the client needs to know about an answer to pick its action. */
export interface ResponseView {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  json(): unknown;
  text(): string;
}

export type Action = ResponseAction | "redirect";

export interface Decision {
  action: Action;
  /** The connector's rule that decided, if one did (for its retryAfter and message). */
  rule?: ResponseRule;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The response → action table: the connector's rules in order (the first whose every condition holds
 * wins), then the defaults — 2xx success, 401 refresh, 429 rate_limited, 408 and 5xx retry, a redirect
 * with a Location is followed (on allowed origins only), anything else fails.
 */
export function compileResponseRules(rules: readonly ResponseRule[] = []): (response: ResponseView) => Decision {
  const compiled = rules.map((rule, index) => ({ rule, matches: compileRule(rule, index) }));
  return (response) => {
    for (const { rule, matches } of compiled) if (matches(response)) return { action: rule.action as ResponseAction, rule };
    return { action: defaultAction(response) };
  };
}

export function defaultAction(response: Pick<ResponseView, "status" | "headers">): Action {
  const { status } = response;
  if (status >= 200 && status < 300) return "success";
  if (status === 401) return "refresh";
  if (status === 429) return "rate_limited";
  if (status === 408 || (status >= 500 && status < 600)) return "retry";
  if (REDIRECTS.has(status) && response.headers.location) return "redirect";
  return "fail";
}

function compileRule(rule: ResponseRule, index: number): (response: ResponseView) => boolean {
  const tests: ((response: ResponseView) => boolean)[] = [];
  if (rule.status !== undefined) {
    const status = compileStatus(rule.status, index);
    tests.push((response) => status(response.status));
  }
  if (rule.bodyPath !== undefined) {
    const read = compilePointer(rule.bodyPath);
    const equals = rule.equals;
    tests.push((response) => {
      const value = read(response.json());
      if (equals === undefined) return value !== undefined && value !== null;
      return equals.some((expected) => sameValue(value, expected));
    });
  } else if (rule.equals !== undefined) {
    throw ruleError(index, "equals needs bodyPath — the field it compares");
  }
  if (rule.contains !== undefined) {
    const needle = rule.contains;
    tests.push((response) => response.text().includes(needle));
  }
  if (tests.length === 0) throw ruleError(index, "a rule needs status, bodyPath or contains — one without would match every answer");
  return (response) => tests.every((test) => test(response));
}

/** YAML may write a status as 0 or "0": a number and its decimal text are the same value. */
function sameValue(actual: unknown, expected: string | number | boolean | null): boolean {
  if (actual === expected) return true;
  if (expected === null) return actual === null;
  if ((typeof actual === "number" && typeof expected === "string") || (typeof actual === "string" && typeof expected === "number")) {
    return String(actual) === String(expected);
  }
  return false;
}

type StatusMatch = NonNullable<ResponseRule["status"]>;

function compileStatus(match: StatusMatch, index: number): (status: number) => boolean {
  const parts = (Array.isArray(match) ? match : [match]).map((part): [number, number] => {
    if (typeof part === "number") return [part, part];
    const klass = /^([1-5])xx$/.exec(part);
    if (klass) return [Number(klass[1]) * 100, Number(klass[1]) * 100 + 99];
    const range = /^(\d{3})-(\d{3})$/.exec(part);
    if (range && Number(range[1]) <= Number(range[2])) return [Number(range[1]), Number(range[2])];
    throw ruleError(index, `status ${JSON.stringify(part)} is not a status, "5xx" or "500-599"`);
  });
  return (status) => parts.some(([low, high]) => status >= low && status <= high);
}

function ruleError(index: number, problem: string): UserError {
  return new UserError(ErrorCodes.SPEC_INVALID, `http.responses[${index}]: ${problem}`, { hint: "Fix the response rule in the connector spec." });
}
