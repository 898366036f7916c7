import type { ValueInput, ValueRule } from "@tributary/schemas";
import { describe, toNumber } from "./coerce.ts";
import { compileInput } from "./compile-source.ts";
import { FAILED, problem, type CompileEnv, type Compiled } from "./compiled.ts";
import { freshFactory } from "./fresh-function.ts";
import type { FieldPath, Scope } from "./scope.ts";
import { formatDate, formatTimestamp, localToInstant, parseDateTime, readOffset, timeZone, type TimeZone } from "./time.ts";

export type TimeSpec = NonNullable<ValueRule["time"]>;

/** The Terra text, or what is wrong, or FAILED when an input's expression failed (already reported). */
export type TimeResult = string | { problem: string } | typeof FAILED;

export interface CompiledTime {
  readonly async: boolean;
  /** Converts one value, reading the inputs (add, offset, timezone) in the scope; a Promise when one is an expression. */
  convert(value: unknown, scope: Scope): TimeResult | Promise<TimeResult>;
}

/**
 * `time`: reads a moment written in `format`, moves its local date by `days` calendar days (the end of a
 * local day), adds `add` seconds (sample offsets from a start time) and writes it as Terra does, at the
 * offset in force: the given `offset`, else the `timezone`'s offset at that instant, else the offset the
 * text carried, else UTC.
 */
export function compileTime(spec: TimeSpec, at: FieldPath, path: string, env: CompileEnv): CompiledTime {
  const add = compileTimeInput(spec.add, at, `${path}.add`, env, checkAdd);
  const offset = compileTimeInput(spec.offset, at, `${path}.offset`, env, checkOffset);
  const zone = compileTimeInput(spec.timezone, at, `${path}.timezone`, env, checkZone);
  const { format } = spec;
  const output = spec.output ?? "datetime";
  const days = spec.days ?? 0;
  if (days !== 0) {
    // Calendar arithmetic is rare (a day's end time): the general path, which the fast paths below skip.
    if (add?.async || offset?.async || zone?.async)
      return {
        async: true,
        convert: async (value, scope) => convertTime(value, format, output, await add?.run(scope), await offset?.run(scope), await zone?.run(scope), days),
      };
    return {
      async: false,
      convert: (value, scope) => convertTime(value, format, output, add?.run(scope), offset?.run(scope), zone?.run(scope), days),
    };
  }
  if (add?.async || offset?.async || zone?.async) {
    return {
      async: true,
      convert: async (value, scope) => convertTime(value, format, output, await add?.run(scope), await offset?.run(scope), await zone?.run(scope)),
    };
  }
  const readAdd = add?.run;
  const readOffset = offset?.run;
  const readZone = zone?.run;
  if ((format === "unix_ms" || format === "unix_seconds") && output === "datetime") {
    // Sample timestamps: an epoch number, maybe seconds to add, shown in a zone or at an offset. The
    // general path below handles everything else (text, failures) and says what is wrong.
    const scale = format === "unix_ms" ? 1 : 1000;
    if (readAdd === undefined && readOffset === undefined && readZone !== undefined) {
      // The usual sample: an instant shown in the record's zone.
      return { async: false, convert: zonedEpochConverter(scale, readZone, knownZone, formatTimestamp, convertTime, format) };
    }
    return { async: false, convert: epochConverter(scale, readAdd, readOffset, readZone, knownZone, formatTimestamp, convertTime, format) };
  }
  if (offset === undefined && format !== "unix_ms" && format !== "unix_seconds") {
    // Sample timestamps as a start time written as text plus each sample's seconds: the text (and its
    // zone) read once per record, not once per sample.
    return { async: false, convert: textConverter(readAdd, readZone, textBase, output === "date" ? formatDate : formatTimestamp, convertTime, format, output) };
  }
  return {
    async: false,
    convert: (value, scope) => convertTime(value, format, output, readAdd?.(scope), readOffset?.(scope), readZone?.(scope)),
  };
}

type Read = ((scope: Scope) => unknown) | undefined;
const zonedEpochConverter = freshFactory<
  [number, (scope: Scope) => unknown, typeof knownZone, typeof formatTimestamp, typeof convertTime, TimeSpec["format"]],
  CompiledTime["convert"]
>(
  ["scale", "readZone", "knownZone", "formatTimestamp", "convertTime", "format"],
  `
  let lastZoneName;
  let lastZone;
  return (value, scope) => {
    const zoneInput = readZone(scope);
    if (typeof value === "number" && typeof zoneInput === "string" && zoneInput !== "") {
      const epochMs = value * scale;
      if (Math.abs(epochMs) <= 8.64e15) {
        if (zoneInput !== lastZoneName) {
          lastZone = knownZone(zoneInput);
          lastZoneName = zoneInput;
        }
        if (lastZone !== undefined) return formatTimestamp(epochMs, lastZone.offsetAt(epochMs));
      }
    }
    return convertTime(value, format, "datetime", undefined, undefined, zoneInput);
  };`,
);
const epochConverter = freshFactory<
  [number, Read, Read, Read, typeof knownZone, typeof formatTimestamp, typeof convertTime, TimeSpec["format"]],
  CompiledTime["convert"]
>(
  ["scale", "readAdd", "readOffset", "readZone", "knownZone", "formatTimestamp", "convertTime", "format"],
  `
  let lastZoneName;
  let lastZone;
  return (value, scope) => {
    const addInput = readAdd === undefined ? undefined : readAdd(scope);
    const offsetInput = readOffset === undefined ? undefined : readOffset(scope);
    const zoneInput = readZone === undefined ? undefined : readZone(scope);
    if (
      typeof value === "number" && Number.isFinite(value) &&
      (addInput === undefined || (typeof addInput === "number" && Number.isFinite(addInput))) &&
      (offsetInput === undefined || offsetInput === null) &&
      (typeof zoneInput === "string" || zoneInput === undefined || zoneInput === null)
    ) {
      const epochMs = value * scale + (addInput === undefined ? 0 : addInput * 1000);
      if (Math.abs(epochMs) <= 8.64e15) {
        if (typeof zoneInput !== "string" || zoneInput === "") return formatTimestamp(epochMs, 0);
        if (zoneInput !== lastZoneName) {
          lastZone = knownZone(zoneInput);
          lastZoneName = zoneInput;
        }
        if (lastZone) return formatTimestamp(epochMs, lastZone.offsetAt(epochMs));
      }
    }
    return convertTime(value, format, "datetime", addInput, offsetInput, zoneInput);
  };`,
);

/** A text's instant (seconds still to add) and how it is shown: in `zone`, else at `offsetSeconds`. */
interface TextBase {
  epochMs: number;
  zone: TimeZone | undefined;
  offsetSeconds: number;
}

/** What convertTime makes of a text and a zone, before adding seconds; undefined for anything it would refuse. */
function textBase(text: string, format: TimeSpec["format"], zoneInput: string | null | undefined): TextBase | undefined {
  const named = typeof zoneInput === "string" && zoneInput !== "";
  const zone = named ? knownZone(zoneInput) : undefined;
  if (named && zone === undefined) return undefined;
  const parsed = parseDateTime(text);
  if (!parsed) return undefined;
  if (parsed.offsetSeconds !== undefined) return { epochMs: parsed.localAsUtcMs - parsed.offsetSeconds * 1000, zone, offsetSeconds: parsed.offsetSeconds };
  if (zone) return { epochMs: localToInstant(parsed.localAsUtcMs, zone), zone, offsetSeconds: 0 };
  return format === "date" ? { epochMs: parsed.localAsUtcMs, zone: undefined, offsetSeconds: 0 } : undefined;
}

// Each rule's copy keeps the last text and zone it read and their base.
const textConverter = freshFactory<
  [Read, Read, typeof textBase, (epochMs: number, offsetSeconds: number) => string, typeof convertTime, TimeSpec["format"], "datetime" | "date"],
  CompiledTime["convert"]
>(
  ["readAdd", "readZone", "textBase", "write", "convertTime", "format", "output"],
  `
  let lastText;
  let lastZone;
  let lastBase;
  return (value, scope) => {
    const addInput = readAdd === undefined ? undefined : readAdd(scope);
    const zoneInput = readZone === undefined ? undefined : readZone(scope);
    if (
      typeof value === "string" &&
      (addInput === undefined || (typeof addInput === "number" && Number.isFinite(addInput))) &&
      (typeof zoneInput === "string" || zoneInput === undefined || zoneInput === null)
    ) {
      if (value !== lastText || zoneInput !== lastZone) {
        lastBase = textBase(value, format, zoneInput);
        lastText = value;
        lastZone = zoneInput;
      }
      const base = lastBase;
      if (base !== undefined) {
        const epochMs = base.epochMs + (addInput === undefined ? 0 : addInput * 1000);
        if (Math.abs(epochMs) <= 8.64e15) return write(epochMs, base.zone === undefined ? base.offsetSeconds : base.zone.offsetAt(epochMs));
      }
    }
    return convertTime(value, format, output, addInput, undefined, zoneInput);
  };`,
);

/** The zone of that name, or undefined when there is none (the general path then reports it). */
export function knownZone(name: string): TimeZone | undefined {
  try {
    return timeZone(name);
  } catch {
    return undefined;
  }
}

function compileTimeInput(
  input: ValueInput | undefined,
  at: FieldPath,
  path: string,
  env: CompileEnv,
  check: (value: unknown) => string | undefined,
): Compiled | undefined {
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

/**
 * One moment: the value in `format` and the inputs' values (undefined or null when not given). `days`
 * moves the local date and keeps the wall-clock time; the moved time is then read at `offset`, else in the
 * zone (a day across a daylight-saving change lasts 23 or 25 hours), else at the text's own offset — so a
 * provider that gives offsets only can pass the next day's.
 */
export function convertTime(
  value: unknown,
  format: TimeSpec["format"],
  output: "datetime" | "date",
  addInput: unknown,
  offsetInput: unknown,
  zoneInput: unknown,
  days = 0,
): TimeResult {
  if (addInput === FAILED || offsetInput === FAILED || zoneInput === FAILED) return FAILED;
  let offset: number | undefined;
  let zone: TimeZone | undefined;
  let addSeconds = 0;
  try {
    if (offsetInput !== undefined && offsetInput !== null) offset = readOffset(offsetInput);
    if (zoneInput !== undefined && zoneInput !== null && zoneInput !== "") {
      if (typeof zoneInput !== "string") return { problem: `the time zone ${describe(zoneInput)} is not a name` };
      zone = timeZone(zoneInput);
    }
  } catch (error) {
    return { problem: (error as Error).message };
  }
  if (addInput !== undefined && addInput !== null) {
    const seconds = toNumber(addInput);
    if (!seconds.ok) return { problem: `cannot add ${describe(addInput)} seconds: ${seconds.problem}` };
    if (seconds.value === undefined) return { problem: "the seconds to add are empty" };
    addSeconds = seconds.value as number;
  }

  let epochMs: number;
  let shown: number | undefined = offset;
  if (format === "unix_seconds" || format === "unix_ms") {
    let epoch: number;
    if (typeof value === "number" && Number.isFinite(value)) epoch = value;
    else {
      const number = toNumber(value);
      if (!number.ok || number.value === undefined)
        return { problem: `${describe(value)} is not a ${format === "unix_ms" ? "Unix time in milliseconds" : "Unix time in seconds"}` };
      epoch = number.value as number;
    }
    epochMs = format === "unix_ms" ? epoch : epoch * 1000;
    if (days !== 0) epochMs = moveDays(epochMs, offset ?? zone?.offsetAt(epochMs) ?? 0, days, offset, zone, undefined);
  } else {
    if (typeof value !== "string") return { problem: `${describe(value)} is not ${format === "date" ? "a date (YYYY-MM-DD)" : "an ISO-8601 date and time"}` };
    const parsed = parseDateTime(value);
    if (!parsed) return { problem: `${describe(value)} is not ${format === "date" ? "a date (YYYY-MM-DD)" : "an ISO-8601 date and time"}` };
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
      return { problem: `${describe(value)} has no UTC offset, and the rule gives no \`offset\` or \`timezone\` to read it with` };
    }
    if (days !== 0)
      epochMs = moveDays(epochMs, parsed.offsetSeconds ?? offset ?? (zone ? zone.offsetAt(epochMs) : 0), days, offset, zone, parsed.offsetSeconds);
  }
  epochMs += addSeconds * 1000;
  if (!Number.isFinite(epochMs) || Math.abs(epochMs) > 8.64e15) return { problem: `${describe(value)} is out of the range of dates` };
  if (shown === undefined) shown = zone ? zone.offsetAt(epochMs) : 0;
  return output === "date" ? formatDate(epochMs, shown) : formatTimestamp(epochMs, shown);
}

/**
 * The instant `days` local calendar days after (or before) one shown at `shownOffset`: the same wall-clock
 * time on the moved date, read at `offset`, else in `zone`, else at `ownOffset` (the text's), else UTC.
 */
function moveDays(
  epochMs: number,
  shownOffset: number,
  days: number,
  offset: number | undefined,
  zone: TimeZone | undefined,
  ownOffset: number | undefined,
): number {
  const movedLocal = epochMs + shownOffset * 1000 + days * 86_400_000;
  if (offset !== undefined) return movedLocal - offset * 1000;
  if (zone !== undefined) return localToInstant(movedLocal, zone);
  return movedLocal - (ownOffset ?? 0) * 1000;
}
