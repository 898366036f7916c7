import type { ValueInput, ValueRule } from "@tributary/schemas";
import { describe, toNumber } from "./coerce.ts";
import { compileInput } from "./compile-source.ts";
import { FAILED, problem, type CompileEnv, type Compiled } from "./compiled.ts";
import type { FieldPath, Scope } from "./scope.ts";
import { formatDate, formatTimestamp, localToInstant, parseDateTime, readOffset, timeZone, type TimeZone } from "./time.ts";

export type TimeSpec = NonNullable<ValueRule["time"]>;

export type TimeResult = { ok: true; value: string } | { ok: false; problem: string } | typeof FAILED;

export interface CompiledTime {
  readonly async: boolean;
  /** Converts one value, reading the inputs (add, offset, timezone) in the scope; a Promise when one is an expression. */
  convert(value: unknown, scope: Scope): TimeResult | Promise<TimeResult>;
}

/**
 * `time`: reads a moment written in `format`, adds `add` seconds (sample offsets from a start time) and
 * writes it as Terra does, at the offset in force: the given `offset`, else the `timezone`'s offset at
 * that instant, else the offset the text carried, else UTC.
 */
export function compileTime(spec: TimeSpec, at: FieldPath, path: string, env: CompileEnv): CompiledTime {
  const add = compileTimeInput(spec.add, at, `${path}.add`, env, checkAdd);
  const offset = compileTimeInput(spec.offset, at, `${path}.offset`, env, checkOffset);
  const zone = compileTimeInput(spec.timezone, at, `${path}.timezone`, env, checkZone);
  const { format } = spec;
  const output = spec.output ?? "datetime";
  if (add?.async || offset?.async || zone?.async) {
    return {
      async: true,
      convert: async (value, scope) => convertTime(value, format, output, await add?.run(scope), await offset?.run(scope), await zone?.run(scope)),
    };
  }
  const readAdd = add?.run;
  const readOffset = offset?.run;
  const readZone = zone?.run;
  return {
    async: false,
    convert: (value, scope) => convertTime(value, format, output, readAdd?.(scope), readOffset?.(scope), readZone?.(scope)),
  };
}

function compileTimeInput(input: ValueInput | undefined, at: FieldPath, path: string, env: CompileEnv, check: (value: unknown) => string | undefined): Compiled | undefined {
  if (input === undefined) return undefined;
  if (input === null || typeof input !== "object") {
    const trouble = check(input);
    if (trouble) problem(env, path, trouble);
  }
  return compileInput(input, at, path, env);
}

const checkAdd = (value: unknown): string | undefined => (toNumber(value).ok ? undefined : `${describe(value)} is not a number of seconds`);
const checkOffset = (value: unknown): string | undefined => {
  try {
    readOffset(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};
const checkZone = (value: unknown): string | undefined => {
  if (typeof value !== "string") return `${describe(value)} is not a time-zone name`;
  try {
    timeZone(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

/** One moment: the value in `format` and the inputs' values (undefined or null when not given). */
export function convertTime(value: unknown, format: TimeSpec["format"], output: "datetime" | "date", addInput: unknown, offsetInput: unknown, zoneInput: unknown): TimeResult {
  if (addInput === FAILED || offsetInput === FAILED || zoneInput === FAILED) return FAILED;
  let offset: number | undefined;
  let zone: TimeZone | undefined;
  let addSeconds = 0;
  try {
    if (offsetInput !== undefined && offsetInput !== null) offset = readOffset(offsetInput);
    if (zoneInput !== undefined && zoneInput !== null && zoneInput !== "") {
      if (typeof zoneInput !== "string") return { ok: false, problem: `the time zone ${describe(zoneInput)} is not a name` };
      zone = timeZone(zoneInput);
    }
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  if (addInput !== undefined && addInput !== null) {
    const seconds = toNumber(addInput);
    if (!seconds.ok) return { ok: false, problem: `cannot add ${describe(addInput)} seconds: ${seconds.problem}` };
    if (seconds.value === undefined) return { ok: false, problem: "the seconds to add are empty" };
    addSeconds = seconds.value as number;
  }

  let epochMs: number;
  let shown: number | undefined = offset;
  if (format === "unix_seconds" || format === "unix_ms") {
    const number = toNumber(value);
    if (!number.ok || number.value === undefined) return { ok: false, problem: `${describe(value)} is not a ${format === "unix_ms" ? "Unix time in milliseconds" : "Unix time in seconds"}` };
    epochMs = format === "unix_ms" ? (number.value as number) : (number.value as number) * 1000;
  } else {
    if (typeof value !== "string") return { ok: false, problem: `${describe(value)} is not ${format === "date" ? "a date (YYYY-MM-DD)" : "an ISO-8601 date and time"}` };
    const parsed = parseDateTime(value);
    if (!parsed) return { ok: false, problem: `${describe(value)} is not ${format === "date" ? "a date (YYYY-MM-DD)" : "an ISO-8601 date and time"}` };
    if (parsed.offsetSeconds !== undefined) {
      epochMs = parsed.localAsUtcMs - parsed.offsetSeconds * 1000;
      if (shown === undefined && zone === undefined) shown = parsed.offsetSeconds;
    } else if (offset !== undefined) {
      epochMs = parsed.localAsUtcMs - offset * 1000;
    } else if (zone !== undefined) {
      epochMs = localToInstant(parsed.localAsUtcMs, zone);
    } else if (format === "date") {
      epochMs = parsed.localAsUtcMs;
    } else {
      return { ok: false, problem: `${describe(value)} has no UTC offset, and the rule gives no \`offset\` or \`timezone\` to read it with` };
    }
  }
  epochMs += addSeconds * 1000;
  if (!Number.isFinite(epochMs) || Math.abs(epochMs) > 8.64e15) return { ok: false, problem: `${describe(value)} is out of the range of dates` };
  if (shown === undefined) shown = zone ? zone.offsetAt(epochMs) : 0;
  return { ok: true, value: output === "date" ? formatDate(epochMs, shown) : formatTimestamp(epochMs, shown) };
}
