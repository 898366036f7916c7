import { getSchemaRegistry, modelSchemaId, type DataType } from "@tributary/schemas";
import type { StandardRecord } from "../contracts/data-types.ts";
import { operatorMessage } from "../errors/tributary-error.ts";
import type { ProviderRecord } from "../spec/hooks.ts";

export interface Rejected {
  record: StandardRecord | null;
  raw: ProviderRecord;
  issues: Array<{ path: string; rule: string; message: string }>;
}

export interface Normalized {
  valid: StandardRecord[];
  rejected: Rejected[];
  /** Valid records that are parts of a record other provider records share (a mapping with `merge`). */
  parts?: Map<StandardRecord, RecordPart>;
}

/** Which part of its record a valid record is: a newer part with the same id replaces it. */
export interface RecordPart {
  id: string;
  precedence: number;
}

export type MapOutput = StandardRecord | StandardRecord[] | null;

/**
 * Map provider records with a synchronous function and validate each result against its schema. Nothing
 * is dropped: a record that fails (or whose mapping throws) comes back in `rejected` with its raw payload,
 * for quarantine.
 */
export function normalize(
  map: (raw: ProviderRecord) => MapOutput,
  dataType: DataType,
  raws: Iterable<ProviderRecord>,
  into: Normalized = { valid: [], rejected: [] },
): Normalized {
  for (const raw of raws) {
    let mapped: MapOutput;
    try {
      mapped = map(raw);
    } catch (error) {
      rejectFailedMap(into, raw, error);
      continue;
    }
    addMapped(into, dataType, raw, mapped);
  }
  return into;
}

/** A mapping that threw: a TributaryError (a FIT file that will not decode) keeps its code and hint. */
export function rejectFailedMap(into: Normalized, raw: ProviderRecord, error: unknown): void {
  into.rejected.push({ record: null, raw, issues: [{ path: "", rule: "map", message: `mapping failed: ${operatorMessage(error)}` }] });
}

/** Validate what one provider record mapped to: valid records are kept, the others rejected with their issues. */
export function addMapped(into: Normalized, dataType: DataType, raw: ProviderRecord, mapped: MapOutput): void {
  if (mapped === null) return;
  const registry = getSchemaRegistry();
  const schemaId = modelSchemaId(dataType);
  for (const record of Array.isArray(mapped) ? mapped : [mapped]) {
    const result = registry.validate(schemaId, record);
    if (result.ok) into.valid.push(record);
    else into.rejected.push({ record, raw, issues: result.issues });
  }
}
