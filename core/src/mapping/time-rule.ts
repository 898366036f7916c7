import type { ValueInput, ValueRule } from "@tributary/schemas";
import { describe, toNumber } from "./coerce.ts";
import { compileInput } from "./compile-source.ts";
import { problem, type CompileEnv, type Compiled } from "./compiled.ts";
import type { FieldPath, Scope } from "./scope.ts";
import { formatDate, formatTimestamp, localToInstant, parseDateTime, readOffset, timeZone, type TimeZone } from "./time.ts";

export type TimeSpec = NonNullable<ValueRule["time"]>;

/** The inputs of a time rule, read for one value. */
interface TimeInputs {
  add: unknown;
  offset: unknown;
  zone: unknown;
}

export type TimeResult = { ok: true; value: string } | { ok: false; problem: string };

export interface CompiledTime {
  readonly async: boolean;
  /** Reads the inputs (add, offset, timezone) in a scope: a Promise when one is an expression. */
  readInputs(scope: Scope): TimeInputs | Promise<TimeInputs>;
  convert(value: unknown, inputs: TimeInputs): TimeResult;
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
  const inputs = [add, offset, zone];
  const isAsync = inputs.some((input) => input?.async);
  const { format } = spec;
  const output = spec.output ?? "datetime";
  const readInputs = isAsync
    ? async (scope: Scope): Promise<TimeInputs> => ({ add: await add?.run(scope), offset: await offset?.run(scope), zone: await zone?.run(scope) })
    : (scope: Scope): TimeInputs => ({ add: add?.run(scope), offset: offset?.run(scope), zone: zone?.run(scope) });
  return {
    async: isAsync,
    readInputs,
    convert: (value, read) => convertTime(value, format, output, read),
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

export function convertTime(value: unknown, format: TimeSpec["format"], output: "datetime" | "date", inputs: TimeInputs): TimeResult {
  let offset: number | undefined;
  let zone: TimeZone | undefined;
  let addSeconds = 0;
  try {
    if (inputs.offset !== undefined && inputs.offset !== null) offset = readOffset(inputs.offset);
    if (inputs.zone !== undefined && inputs.zone !== null && inputs.zone !== "") {
      if (typeof inputs.zone !== "string") return { ok: false, problem: `the time zone ${describe(inputs.zone)} is not a name` };
      zone = timeZone(inputs.zone);
    }
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  if (inputs.add !== undefined && inputs.add !== null) {
    const seconds = toNumber(inputs.add);
    if (!seconds.ok) return { ok: false, problem: `cannot add ${describe(inputs.add)} seconds: ${seconds.problem}` };
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
