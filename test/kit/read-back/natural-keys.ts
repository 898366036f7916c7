import type { StoredRecord } from "../destination-conformance.ts";

/**
 * `activity/<summary_id>`, `daily/2026-11-02`, … one entry per stored record, sorted: two destinations hold
 * the same records exactly when these lists are equal. Duplicates are kept, so a destination that stored
 * one natural key twice does not compare equal.
 */
export function naturalKeys(records: readonly StoredRecord[]): string[] {
  return records.map((record) => `${record.type}/${record.key}`).sort();
}
