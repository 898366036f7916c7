/**
 * What mapping one provider record gives: a Terra Standard record, a deliberate skip (the mapping's `when`
 * said no), or a failure listing what is wrong, in the shape the quarantine stores (the same as the
 * schema validator's issues).
 */
export interface MappingIssue {
  /** Where in the output, e.g. "heart_rate_data.detailed.hr_samples[3].bpm" ("" for the record itself). */
  path: string;
  /** What failed (or, in a note, left a value out): required, type, convert, enum, time, each, zip, expr, when, limit. */
  rule: string;
  /** The full sentence, starting with the path. */
  message: string;
}

export type MappedRecord = Record<string, unknown>;

export type MappingOutcome =
  | {
      kind: "record";
      record: MappedRecord;
      /** Values rules left out without failing the record (a zone not known here), for the log. */
      notes?: MappingIssue[];
    }
  | { kind: "skip" }
  | { kind: "failed"; issues: MappingIssue[] /** What could be mapped, for the operator's eyes. */; partial: MappedRecord };

/** Values a mapping may read besides the record: `$connection` in expressions. */
export interface MappingContext {
  connection?: Readonly<Record<string, unknown>>;
}
