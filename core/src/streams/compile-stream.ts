import type { StreamSpec, TimeFormat } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { compilePointer } from "../spec/pointer.ts";
import { DATED_ZONE_PREFIX, isDatedZone } from "../spec/template-variables.ts";
import { compileDetails, type CompiledDetail } from "./details.ts";
import type { RecordPredicate } from "./expressions.ts";
import { createPager, type Pager } from "./paging.ts";
import { recordIdReader } from "./records.ts";
import { parseTime } from "./time-format.ts";
import { compileProbeReader, compileZoneReader, offsetForLocal, zoneForValue, type KnownZone, type ZoneReader } from "./learned-zone.ts";
import type { MappedDay } from "./mapped-offsets.ts";
import { parseDateTime } from "../mapping/time.ts";
import { compileWithin, type WithinWindow } from "./within-window.ts";
import { scopeOf, template, type TemplateVariables } from "../provider-http/template-scope.ts";

/** Everything about a stream that does not change between reads, compiled once. */
export interface CompiledStream {
  spec: StreamSpec;
  where: string;
  pager: Pager;
  details: CompiledDetail[];
  filter?: RecordPredicate;
  idOf: (record: ProviderRecord) => string | undefined;
  /** The record's checkpoint time in epoch ms, if the stream keeps a checkpoint. */
  timeOf?: (record: ProviderRecord) => number | undefined;
  lookbackMs: number;
  /** The window applied to each record's own time (`within`). */
  within?: WithinWindow;
  /** The member's time zone a page says (`timezone`). */
  zoneOf?: ZoneReader;
  /** The zone's probes (`timezone.probe`), made in turn: each request and what its answer says. */
  probes: { request: NonNullable<StreamSpec["request"]>; zoneOf: ZoneReader }[];
  /** Whether recordFields read `{timezone}` or `{timezone.at.<field>}`: the learned zone is then looked up once per read. */
  wantsZone: boolean;
  /** Whether recordFields read `{timezone.at.<field>}`: the zone of each record's own local date. */
  wantsDatedZone: boolean;
  /** Sets each record's `following.into` from the record after it in its page. */
  following?: (records: ProviderRecord[]) => void;
  /**
   * The stream's recordFields, rendered with a window's variables: the fields each record of that window
   * gets; `{timezone.at.<field>}` is rendered per record from the connection's known zone.
   */
  recordFields?: (variables: TemplateVariables, known: KnownZone) => (record: ProviderRecord) => Record<string, string>;
  /**
   * With `{timezone.at.<field>}` recordFields: the local date and offsets a record's local date-times were
   * read at (its first such field's date), noted so that a date the connection later decides otherwise is
   * read again. Undefined for a record whose fields all carry their own offset.
   */
  mappedAt?: (record: ProviderRecord, known: KnownZone) => MappedDay | undefined;
}

export function compileStream(spec: StreamSpec, compileExpression: (expression: string, where: string) => RecordPredicate): CompiledStream {
  const where = `streams.${spec.name}`;
  const checkpoint = spec.checkpoint;
  const read = checkpoint ? compilePointer(checkpoint.path) : undefined;
  return {
    spec,
    where,
    pager: createPager(spec.paging, where),
    details: compileDetails(spec.details, compileExpression, where),
    ...(spec.filter !== undefined ? { filter: compileExpression(spec.filter, `${where}.filter`) } : {}),
    idOf: recordIdReader(spec.id),
    ...(checkpoint && read ? { timeOf: (record: ProviderRecord) => parseTime(read(record), checkpoint.format as TimeFormat) } : {}),
    lookbackMs: (checkpoint?.lookbackSeconds ?? 3600) * 1000,
    ...(spec.recordFields ? { recordFields: compileRecordFields(spec.recordFields) } : {}),
    ...(spec.recordFields && datedFields(spec.recordFields).length > 0 ? { mappedAt: compileMappedAt(spec.recordFields) } : {}),
    ...(spec.within ? { within: compileWithin(spec.within) } : {}),
    ...(spec.following ? { following: compileFollowing(spec.following) } : {}),
    ...(spec.timezone?.in !== undefined && spec.timezone.path !== undefined
      ? { zoneOf: compileZoneReader({ in: spec.timezone.in, path: spec.timezone.path, unit: spec.timezone.unit, date: spec.timezone.date }) }
      : {}),
    probes: [spec.timezone?.probe ?? []].flat().map((probe) => ({ request: probe.request, zoneOf: compileProbeReader(probe, spec.timezone?.unit) })),
    wantsZone: Object.values(spec.recordFields ?? {}).some((text) => template(text).variables.some((name) => name === "timezone" || isDatedZone(name))),
    wantsDatedZone: Object.values(spec.recordFields ?? {}).some((text) => template(text).variables.some(isDatedZone)),
  };
}

function compileFollowing({ into, path }: NonNullable<StreamSpec["following"]>): (records: ProviderRecord[]) => void {
  const read = compilePointer(path);
  // Read before the next record gets its own field, and never a whole record: no record holds a chain of
  // the ones after it (a saved position keeps what was received).
  return (records) => {
    for (let index = 0; index + 1 < records.length; index += 1) {
      const value = read(records[index + 1]);
      if (value !== undefined && value !== null) (records[index] as Record<string, unknown>)[into] = value;
    }
  };
}

function compileRecordFields(
  fields: Record<string, string>,
): (variables: TemplateVariables, known: KnownZone) => (record: ProviderRecord) => Record<string, string> {
  const compiled = Object.entries(fields).map(([name, text]) => [name, template(text)] as const);
  const dated = datedFields(fields);
  return (variables, known) => {
    const scope = scopeOf(variables);
    if (dated.length === 0) {
      const same = Object.fromEntries(compiled.map(([name, field]) => [name, field.render(scope)]));
      return () => same;
    }
    return (record) => {
      const zones = new Map(dated.map(([name, path]) => [name, zoneForValue(known, walk(record, path)) ?? ""]));
      const perRecord = (name: string) => (zones.has(name) ? zones.get(name) : scope(name));
      return Object.fromEntries(compiled.map(([name, field]) => [name, field.render(perRecord)]));
    };
  };
}

/** The `{timezone.at.<field>}` variables of recordFields, in the order written, each with its dotted path. */
function datedFields(fields: Record<string, string>): (readonly [string, string[]])[] {
  const names = new Set(Object.values(fields).flatMap((text) => template(text).variables.filter(isDatedZone)));
  return [...names].map((name) => [name, name.slice(DATED_ZONE_PREFIX.length).split(".")] as const);
}

function compileMappedAt(fields: Record<string, string>): (record: ProviderRecord, known: KnownZone) => MappedDay | undefined {
  const paths = datedFields(fields).map(([, path]) => path);
  return (record, known) => {
    let day: MappedDay | undefined;
    for (const path of paths) {
      const value = walk(record, path);
      const parsed = typeof value === "string" ? parseDateTime(value) : undefined;
      // A value with its own offset is read at it, whatever the connection learns.
      if (parsed === undefined || parsed.offsetSeconds !== undefined) continue;
      day ??= { date: new Date(parsed.localAsUtcMs).toISOString().slice(0, 10), at: [] };
      const minute = Math.floor((parsed.localAsUtcMs - Date.parse(`${day.date}T00:00:00Z`)) / 60_000);
      if (minute >= 0 && minute <= 2880) day.at.push([minute, offsetForLocal(known, parsed.localAsUtcMs)]);
    }
    return day && day.at.length > 0 ? day : undefined;
  };
}

/** A record's own property at a dotted path, as `{record.<path>}` reads one. */
function walk(record: ProviderRecord, path: readonly string[]): unknown {
  let current: unknown = record;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
