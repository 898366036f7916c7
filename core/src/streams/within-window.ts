import type { StreamSpec, TimeFormat } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { compilePointer } from "../spec/pointer.ts";
import { parseTime } from "./time-format.ts";
import type { TimeWindow } from "./windows.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A local time is UTC+14 at the most east and UTC−12 at the most west. */
const EAST_MS = 14 * HOUR_MS;
const WEST_MS = 12 * HOUR_MS;

/** Where a record stands against a window, by its own time. */
export type Placement = "inside" | "before" | "after" | "unknown";

export interface WithinWindow {
  /** `recent`: a read of what is new (a poll, a reconciliation), where `arrived` counts too. */
  place(record: ProviderRecord, window: TimeWindow, recent?: boolean): Placement;
  /** The record's placement ends the list: every later record is past the window too. */
  ends(placement: Placement, recent?: boolean): boolean;
}

/**
 * A stream's `within`: the span of UTC instants a record's time can stand for — the instant itself
 * (date-times with an offset, unix times), any time zone's reading of a local date-time, or the whole
 * of a local day — compared with the window. A record is left out only when that whole span is outside,
 * so no time zone loses a record; one whose time cannot be read is kept (its mapping decides). In a read
 * of what is new, a record that arrived at the provider inside the window is kept as well (`arrived`).
 */
export function compileWithin(spec: NonNullable<StreamSpec["within"]>): WithinWindow {
  const own = placer(spec.path, spec.format as TimeFormat);
  const arrived = spec.arrived ? placer(spec.arrived.path, spec.arrived.format as TimeFormat) : undefined;
  return {
    place(record, window, recent) {
      const placement = own(record, window);
      if (placement === "inside" || !recent || !arrived) return placement;
      return arrived(record, window) === "inside" ? "inside" : placement;
    },
    ends(placement, recent) {
      if (spec.order === "oldest_first") return placement === "after";
      // A record that started before the window may have arrived in it: a newest-first list read for what
      // is new is read to its end. (Nothing arrives before it starts, so "after" above holds either way.)
      return spec.order === "newest_first" && placement === "before" && !(recent && arrived);
    },
  };
}

function placer(path: string, format: TimeFormat): (record: ProviderRecord, window: TimeWindow) => Placement {
  const read = compilePointer(path);
  const span = (record: ProviderRecord): [number, number] | undefined => {
    const at = parseTime(read(record), format);
    if (at === undefined) return undefined;
    if (format === "date") return [at - EAST_MS, at + DAY_MS + WEST_MS];
    if (format === "datetime_local") return [at - EAST_MS, at + WEST_MS];
    return [at, at];
  };
  return (record, window) => {
    const found = span(record);
    if (!found) return "unknown";
    const [earliest, latest] = found;
    if (earliest >= window.end) return "after";
    if (latest < window.start) return "before";
    return "inside";
  };
}
