import type { ValueRule } from "@tributary/schemas";
import { coercions, describe, toNumber } from "./coerce.ts";
import { compileInput, compileSource, describeSource } from "./compile-source.ts";
import { FAILED, problem, type CompileEnv, type Compiled } from "./compiled.ts";
import { freshFactory } from "./fresh-function.ts";
import { note, report, type FieldPath, type Scope } from "./scope.ts";
import { compileTime, knownZone, type TimeResult } from "./time-rule.ts";
import { conversionProblem, findUnit, unitConverter, type Converter } from "./units.ts";

/**
 * One step of a value rule: takes the value so far and gives the next, undefined (absent) or FAILED after
 * reporting an issue. A step that reads an expression input returns a Promise.
 */
interface Step {
  readonly async: boolean;
  readonly run: (value: unknown, scope: Scope) => unknown;
}

/**
 * A value rule: read the source, then `type` → `scale` → `add` → `convert` → `round` → `enum` → `time`.
 * When the result is absent (or null), `default` is used as written; if there is none and the rule is
 * `required`, the record fails naming the field.
 */
export function compileValueRule(rule: ValueRule, at: FieldPath, path: string, env: CompileEnv): Compiled {
  const source = compileSource(rule, at, path, env);
  const steps = compileSteps(rule, at, path, env);
  const hasDefault = Object.hasOwn(rule, "default") && rule.default !== undefined;
  const fallback = hasDefault ? JSON.stringify(rule.default) : undefined;
  const useDefault = (): unknown =>
    fallback === undefined ? undefined : rule.default !== null && typeof rule.default === "object" ? JSON.parse(fallback) : rule.default;
  const required = rule.required === true;
  const whence = describeSource(rule);

  const finish = (value: unknown, scope: Scope): unknown => {
    if (value === FAILED) return undefined;
    if (value !== undefined && value !== null) return value;
    if (hasDefault) return useDefault();
    if (required) report(scope, at, "required", `required, but ${whence} ${value === null ? "is null" : "has no value"} in the provider record`);
    return undefined;
  };

  const isAsync = source.async || steps.some((step) => step.async);
  if (!isAsync) {
    const read = source.run;
    // The common rules (a plain read; a read and one step, with nothing to fall back on) skip `finish`:
    // they run once per field of every sample.
    const plain = !hasDefault && !required;
    const key = source.elementKey;
    if (steps.length === 0) {
      if (plain && key !== undefined) return { async: false, run: plainProperty(key, FAILED) };
      if (plain) return { async: false, run: plainRead(read, FAILED) };
      return { async: false, run: (scope) => finish(read(scope), scope) };
    }
    if (steps.length === 1) {
      const only = steps[0]!.run;
      if (plain && key !== undefined) return { async: false, run: plainPropertyStep(key, only, FAILED) };
      if (plain) return { async: false, run: plainStep(read, only, FAILED) };
      return {
        async: false,
        run: (scope) => {
          const value = read(scope);
          return finish(value === undefined || value === null || value === FAILED ? value : only(value, scope), scope);
        },
      };
    }
    return {
      async: false,
      run: (scope) => {
        let value = read(scope);
        for (let i = 0; i < steps.length && value !== undefined && value !== null && value !== FAILED; i++) value = steps[i]!.run(value, scope);
        return finish(value, scope);
      },
    };
  }
  return {
    async: true,
    run: async (scope) => {
      let value = await source.run(scope);
      for (let i = 0; i < steps.length && value !== undefined && value !== null && value !== FAILED; i++) {
        value = steps[i]!.run(value, scope);
        if (value instanceof Promise) value = await value;
      }
      return finish(value, scope);
    },
  };
}

function compileSteps(rule: ValueRule, at: FieldPath, path: string, env: CompileEnv): Step[] {
  const steps = compileStepList(rule, at, path, env);
  const fast = numericFastPath(rule);
  if (fast === undefined || steps.length === 0 || steps.some((step) => step.async)) return steps;
  // One step for the whole numeric chain: a finite number goes straight through it (once per field of every
  // sample), anything else takes the steps one by one, which coerce, check and report.
  const slow = (value: unknown, scope: Scope): unknown => {
    for (let i = 0; i < steps.length && value !== undefined && value !== null && value !== FAILED; i++) value = steps[i]!.run(value, scope);
    return value;
  };
  return [sync(numericStep(fast.integer, fast.scale, fast.add, fast.converter, fast.roundFactor, slow))];
}

/** What a finite number goes through in a rule of numeric steps only (type number/integer, scale, add, a fixed convert, round). */
interface NumericChain {
  integer: boolean;
  scale: number;
  add: number;
  converter: Converter | undefined;
  /** 10 ** digits, or 0 when the rule does not round. */
  roundFactor: number;
}

function numericFastPath(rule: ValueRule): NumericChain | undefined {
  if (rule.enum !== undefined || rule.time !== undefined) return undefined;
  if (rule.type !== undefined && rule.type !== "number" && rule.type !== "integer") return undefined;
  const { scale = 1, add = 0, convert, round } = rule;
  if (typeof scale !== "number" || !Number.isFinite(scale) || typeof add !== "number" || !Number.isFinite(add)) return undefined;
  if (round !== undefined && (!Number.isInteger(round) || round < 0 || round > 12)) return undefined;
  let converter: Converter | undefined;
  if (convert !== undefined) {
    if (typeof convert.from !== "string" || typeof convert.to !== "string" || conversionProblem(convert.from, convert.to)) return undefined;
    converter = unitConverter(convert.from, convert.to);
  }
  return { integer: rule.type === "integer", scale, add, converter, roundFactor: round === undefined ? 0 : 10 ** round };
}

// `value - value === 0` holds for finite numbers only (NaN and ±Infinity give NaN). A conversion of a
// number never throws; it gives undefined for a zero speed turned into a pace, and the chain stops there.
const numericStep = freshFactory<[boolean, number, number, Converter | undefined, number, Step["run"]], Step["run"]>(
  ["integer", "scale", "add", "converter", "roundFactor", "slow"],
  `
  return (value, scope) => {
    if (typeof value !== "number" || value - value !== 0) return slow(value, scope);
    let number = integer ? Math.round(value) : value;
    if (scale !== 1) number = number * scale;
    if (add !== 0) number = number + add;
    if (converter !== undefined) {
      number = converter(number);
      if (number === undefined) return undefined;
    }
    return roundFactor === 0 ? number : Math.round(number * roundFactor) / roundFactor;
  };`,
);

function compileStepList(rule: ValueRule, at: FieldPath, path: string, env: CompileEnv): Step[] {
  const steps: Step[] = [];
  const numeric = rule.scale !== undefined || rule.add !== undefined || rule.convert !== undefined || rule.round !== undefined;
  if (rule.type === "timezone") steps.push(sync(zoneStep(at)));
  else if (rule.type !== undefined) {
    const coerce = coercions[rule.type];
    if (!coerce) problem(env, `${path}.type`, `must be one of ${[...Object.keys(coercions), "timezone"].join(", ")}`);
    else steps.push(sync((value, scope) => coerced(coerce(value), scope, at, "type")));
  }
  if (numeric && rule.type !== "number" && rule.type !== "integer") {
    // Numbers sent as text become numbers; other text is left to a conversion straight after, which may
    // read it (ISO-8601 durations) or say why not.
    const textForConvert = rule.convert !== undefined && rule.scale === undefined && rule.add === undefined;
    steps.push(
      sync((value, scope) => {
        const number = toNumber(value);
        if (!number.ok && textForConvert && typeof value === "string") return value;
        return coerced(number, scope, at, "type");
      }),
    );
  }
  if (rule.scale !== undefined) {
    const factor = rule.scale;
    if (typeof factor !== "number" || !Number.isFinite(factor)) problem(env, `${path}.scale`, "must be a number");
    steps.push(sync((value) => (value as number) * factor));
  }
  if (rule.add !== undefined) {
    const term = rule.add;
    if (typeof term !== "number" || !Number.isFinite(term)) problem(env, `${path}.add`, "must be a number");
    steps.push(sync((value) => (value as number) + term));
  }
  if (rule.convert !== undefined) steps.push(compileConvert(rule.convert, at, `${path}.convert`, env));
  if (rule.round !== undefined) {
    const digits = rule.round;
    if (!Number.isInteger(digits) || digits < 0 || digits > 12) problem(env, `${path}.round`, "must be a whole number of digits from 0 to 12");
    const factor = 10 ** digits;
    steps.push(sync((value) => Math.round((value as number) * factor) / factor));
  }
  if (rule.enum !== undefined) steps.push(compileEnum(rule.enum, at, `${path}.enum`, env));
  if (rule.time !== undefined) {
    if (!rule.time || typeof rule.time !== "object" || typeof rule.time.format !== "string") {
      problem(env, `${path}.time.format`, "required: date, datetime, datetime_local, unix_seconds or unix_ms");
    } else {
      const time = compileTime(rule.time, at, `${path}.time`, env);
      const settle = (result: TimeResult, scope: Scope): unknown => {
        if (result === FAILED) return FAILED;
        if (typeof result === "string") return result;
        report(scope, at, "time", result.problem);
        return FAILED;
      };
      steps.push(
        time.async
          ? { async: true, run: async (value, scope) => settle(await time.convert(value, scope), scope) }
          : sync(timeStep(time.convert as (value: unknown, scope: Scope) => TimeResult, settle)),
      );
    }
  }
  return steps;
}

const sync = (run: Step["run"]): Step => ({ async: false, run });

/**
 * `type: timezone`: a zone this runtime knows (an IANA name, or an offset such as "+02:00") passes as
 * written; anything else is left out with a note, not an issue. A member's zone only says how times are
 * shown, never which instants they are, so the record is still delivered — at the rule's `default`
 * (UTC) — and the runtime logs the note once.
 */
function zoneStep(at: FieldPath): Step["run"] {
  return (value, scope) => {
    if (typeof value === "string") {
      if (value.trim() === "") return undefined;
      if (knownZone(value) !== undefined) return value;
    }
    note(scope, at, "type", `${describe(value)} is not a time zone known here (an IANA name such as "Europe/Paris", or an offset such as "+01:00"); left out`);
    return undefined;
  };
}

type Read = (scope: Scope) => unknown;
const timeStep = freshFactory<[(value: unknown, scope: Scope) => TimeResult, (result: TimeResult, scope: Scope) => unknown], Step["run"]>(
  ["convert", "settle"],
  `
  return (value, scope) => {
    const result = convert(value, scope);
    return typeof result === "string" ? result : settle(result, scope);
  };`,
);
const plainRead = freshFactory<[Read, symbol], Read>(
  ["read", "FAILED"],
  `
  return (scope) => {
    const value = read(scope);
    return value === null || value === FAILED ? undefined : value;
  };`,
);
const plainProperty = freshFactory<[string, symbol], Read>(
  ["key", "FAILED"],
  `
  return (scope) => {
    const element = scope.current;
    if (element === null || typeof element !== "object") return undefined;
    const value = element[key];
    return value === null ? undefined : value;
  };`,
);
const plainPropertyStep = freshFactory<[string, Step["run"], symbol], Read>(
  ["key", "step", "FAILED"],
  `
  return (scope) => {
    const element = scope.current;
    if (element === null || typeof element !== "object") return undefined;
    const value = element[key];
    if (value === undefined || value === null) return undefined;
    const result = step(value, scope);
    return result === null || result === FAILED ? undefined : result;
  };`,
);
const plainStep = freshFactory<[Read, Step["run"], symbol], Read>(
  ["read", "step", "FAILED"],
  `
  return (scope) => {
    const value = read(scope);
    if (value === undefined || value === null || value === FAILED) return undefined;
    const result = step(value, scope);
    return result === null || result === FAILED ? undefined : result;
  };`,
);

function coerced(result: ReturnType<typeof toNumber>, scope: Scope, at: FieldPath, rule: string): unknown {
  if (result.ok) return result.value;
  report(scope, at, rule, result.problem);
  return FAILED;
}

function compileConvert(convert: NonNullable<ValueRule["convert"]>, at: FieldPath, path: string, env: CompileEnv): Step {
  const to = convert.to;
  if (typeof to !== "string" || !findUnit(to)) {
    problem(env, `${path}.to`, `unknown unit ${JSON.stringify(to)}`);
    return sync(() => FAILED);
  }
  const from = convert.from;
  if (from === null || typeof from !== "object") {
    const trouble = typeof from === "string" ? conversionProblem(from, to) : `${describe(from)} is not a unit name`;
    if (trouble) {
      problem(env, `${path}.from`, trouble);
      return sync(() => FAILED);
    }
    const converter = unitConverter(from as string, to);
    return sync((value, scope) => applyConverter(converter, value, scope, at));
  }
  // The unit comes with the data (Peloton's "display_unit": "mi" or "km").
  const unit = compileInput(from, at, `${path}.from`, env);
  const convertWith = (value: unknown, name: unknown, scope: Scope): unknown => {
    if (name === FAILED) return FAILED;
    if (typeof name !== "string" || name.trim() === "") {
      report(scope, at, "convert", `the unit to convert from (${describeSource(from)}) is ${describe(name)}, not a unit name`);
      return FAILED;
    }
    const trouble = conversionProblem(name, to);
    if (trouble) {
      report(scope, at, "convert", trouble);
      return FAILED;
    }
    return applyConverter(unitConverter(name, to), value, scope, at);
  };
  return unit.async
    ? { async: true, run: async (value, scope) => convertWith(value, await unit.run(scope), scope) }
    : sync((value, scope) => convertWith(value, unit.run(scope), scope));
}

function applyConverter(converter: Converter, value: unknown, scope: Scope, at: FieldPath): unknown {
  try {
    return converter(value as number | string);
  } catch (error) {
    report(scope, at, "convert", (error as Error).message);
    return FAILED;
  }
}

function compileEnum(spec: NonNullable<ValueRule["enum"]>, at: FieldPath, path: string, env: CompileEnv): Step {
  if (!spec || typeof spec.map !== "object" || spec.map === null || Array.isArray(spec.map)) {
    problem(env, `${path}.map`, "required: an object from provider codes to Terra values");
    return sync(() => FAILED);
  }
  const fold = spec.caseInsensitive === true;
  const table = new Map<string, unknown>();
  for (const [code, mapped] of Object.entries(spec.map)) {
    const key = fold ? code.toLowerCase() : code;
    if (table.has(key)) problem(env, `${path}.map`, `${JSON.stringify(code)} is listed twice (codes are compared without case)`);
    table.set(key, mapped);
  }
  const hasDefault = Object.hasOwn(spec, "default");
  const fallback = spec.default;
  const known = [...table.keys()];
  return sync((value, scope) => {
    if (typeof value === "object") {
      report(scope, at, "enum", `${describe(value)} is not a code`);
      return FAILED;
    }
    const code = typeof value === "string" ? value : String(value);
    const mapped = table.get(fold ? code.toLowerCase() : code);
    if (mapped !== undefined) return mapped;
    if (hasDefault) return fallback;
    report(
      scope,
      at,
      "enum",
      `unknown code ${describe(value)}; known: ${known.slice(0, 12).join(", ")}${known.length > 12 ? ", …" : ""} (add it, or a \`default\`)`,
    );
    return FAILED;
  });
}
