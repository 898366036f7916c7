import type { StreamSpec, TimeFormat } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { compilePointer } from "../spec/pointer.ts";
import { compileDetails, type CompiledDetail } from "./details.ts";
import type { RecordPredicate } from "./expressions.ts";
import { createPager, type Pager } from "./paging.ts";
import { recordIdReader } from "./records.ts";
import { parseTime } from "./time-format.ts";
import { compileZoneReader, type ZoneReader } from "./learned-zone.ts";
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
  /** The zone's probe (`timezone.probe`): its request and what its answer says. */
  probe?: { request: NonNullable<StreamSpec["request"]>; zoneOf: ZoneReader };
  /** Whether recordFields read `{timezone}`: the learned zone is then looked up once per read. */
  wantsZone: boolean;
  /** Sets each record's `following.into` from the record after it in its page. */
  following?: (records: ProviderRecord[]) => void;
  /** The stream's recordFields, rendered with a window's variables: the fields each record of that window gets. */
  recordFields?: (variables: TemplateVariables) => Record<string, string>;
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
    ...(spec.within ? { within: compileWithin(spec.within) } : {}),
    ...(spec.following ? { following: compileFollowing(spec.following) } : {}),
    ...(spec.timezone ? { zoneOf: compileZoneReader(spec.timezone) } : {}),
    ...(spec.timezone?.probe
      ? {
          probe: {
            request: spec.timezone.probe.request,
            zoneOf: compileZoneReader({ in: "answer", path: spec.timezone.probe.path, ...(spec.timezone.unit ? { unit: spec.timezone.unit } : {}) }),
          },
        }
      : {}),
    wantsZone: Object.values(spec.recordFields ?? {}).some((text) => text.includes("{timezone}")),
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

function compileRecordFields(fields: Record<string, string>): (variables: TemplateVariables) => Record<string, string> {
  const compiled = Object.entries(fields).map(([name, text]) => [name, template(text)] as const);
  return (variables) => Object.fromEntries(compiled.map(([name, field]) => [name, field.render(scopeOf(variables))]));
}
