import { getSchemaRegistry, modelSchemaId, type DataType } from "@tributary/schemas";
import type { MapContext, ProviderRecord, PullSpec } from "../contracts/connector.ts";
import type { StandardRecord } from "../contracts/data-types.ts";
import { operatorMessage } from "../errors/tributary-error.ts";

export interface Rejected {
  record: StandardRecord | null;
  raw: ProviderRecord;
  issues: Array<{ path: string; rule: string; message: string }>;
}

export interface Normalized {
  valid: StandardRecord[];
  rejected: Rejected[];
}

/**
 * Map provider records to the standard and validate each against its schema. Nothing is dropped: a record
 * that fails (or whose mapping throws) comes back in `rejected` with its raw payload, for quarantine.
 */
export function normalize(spec: PullSpec, dataType: DataType, raws: Iterable<ProviderRecord>, ctx: MapContext, into: Normalized = { valid: [], rejected: [] }): Normalized {
  const registry = getSchemaRegistry();
  const schemaId = modelSchemaId(dataType);
  for (const raw of raws) {
    let mapped: StandardRecord | StandardRecord[] | null;
    try {
      mapped = spec.map(raw, ctx);
    } catch (error) {
      // A TributaryError thrown by a mapping helper (a FIT file that will not decode) keeps its code and hint.
      into.rejected.push({ record: null, raw, issues: [{ path: "", rule: "map", message: `mapping failed: ${operatorMessage(error)}` }] });
      continue;
    }
    if (mapped === null) continue;
    for (const record of Array.isArray(mapped) ? mapped : [mapped]) {
      const result = registry.validate(schemaId, record);
      if (result.ok) into.valid.push(record);
      else into.rejected.push({ record, raw, issues: result.issues });
    }
  }
  return into;
}
