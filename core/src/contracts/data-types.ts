import type { DataType } from "@tributary/schemas";

export type { DataType };

/** An inclusive-exclusive window of provider data to fetch: [start, end). */
export interface DateRange {
  start: Date;
  end: Date;
}

/** A normalized record in the Terra Standard, as produced by a connector's mapping. */
export type StandardRecord = Record<string, unknown>;
